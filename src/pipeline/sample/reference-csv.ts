// Renders a reference snapshot as the three daily CSV files (clubs, players, users): header
// row, comma-separated, RFC 4180 quoting only where a field needs it, '\n' line endings and
// a final newline. The CSVs are clean: every row casts to the types in sources.yml.

import { TimestampFormatter } from './calendar';
import { LEAGUES } from './names';
import { POSITIONS } from './reference-data';
import type { ReferenceModel, ReferenceSnapshot } from './reference-model';

export interface CsvFile {
  source: 'clubs' | 'players' | 'users';
  text: string;
  /** data rows, without the header */
  rows: number;
}

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function render(source: CsvFile['source'], header: string, rows: string[]): CsvFile {
  return { source, text: `${header}\n${rows.join('\n')}${rows.length > 0 ? '\n' : ''}`, rows: rows.length };
}

export function clubsCsv(model: ReferenceModel, snap: ReferenceSnapshot): CsvFile {
  const rows = model.clubs.map((c, i) => {
    const tier = snap.tiers[i] ?? c.baseTier;
    const def = LEAGUES[c.leagueDef];
    const league = def ? (tier === 1 ? def.tier1 : def.tier2) : '';
    return `${c.id},${csvField(c.name)},${csvField(c.country)},${csvField(league)},${tier},${c.founded}`;
  });
  return render('clubs', 'club_id,name,country,league,tier,founded_year', rows);
}

export function playersCsv(model: ReferenceModel, snap: ReferenceSnapshot): CsvFile {
  const rows = model.players.map((p, i) => {
    const club = model.clubs[snap.club[i] ?? 0];
    return (
      `${p.id},${csvField(p.name)},${p.birthDate},${csvField(p.nationality)},${POSITIONS[p.position] ?? 'MF'},` +
      `${club?.id ?? ''},${snap.value[i] ?? 0},${snap.contractYear[i] ?? 2024}-06-30`
    );
  });
  return render(
    'players',
    'player_id,name,birth_date,nationality,position,club_id,market_value_eur,contract_until',
    rows,
  );
}

export function usersCsv(model: ReferenceModel, snap: ReferenceSnapshot): CsvFile {
  const fmt = new TimestampFormatter();
  const rows: string[] = [];
  for (let i = 0; i < snap.userCount; i++) {
    const u = model.users[i];
    if (!u) break;
    const club = model.clubs[u.clubIdx];
    rows.push(`${u.id},${club?.id ?? ''},${u.role},${csvField(u.email)},${fmt.plain(u.createdMs)}`);
  }
  return render('users', 'user_id,club_id,role,email,created_at', rows);
}
