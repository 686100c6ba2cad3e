// Independent computations over raw files for tests: written directly in SQL
// with rules of their own, never through the pipeline's raw-sql.ts or models.
import path from 'node:path';
import { quoteLiteral } from '../../src/pipeline/engine/sql';

export const DAILY_COLUMNS =
  'club_id, activity_date, active_users, logins, searches, profile_views, shortlist_adds, transfer_requests, pitches_sent, pitches_viewed, messages';

/**
 * fct_daily_club_activity computed straight from the raw JSON lines with rules of its
 * own (not raw-sql.ts): strict JSON kinds, required fields, ISO timestamps, accepted
 * values; then one row per event_id, placed in its UTC event day.
 */
export function independentDailyActivity(root: string): string {
  const glob = quoteLiteral(path.join(root, 'raw', 'activity', '*', '*.jsonl'));
  const types = [
    'login',
    'player_search',
    'player_profile_view',
    'shortlist_add',
    'transfer_request_created',
    'pitch_sent',
    'pitch_viewed',
    'message_sent',
  ];
  const str = (key: string): string => `json_extract_string(j, '$.${key}')`;
  // JSON integers are BIGINT, or UBIGINT when positive; a missing key and a JSON null are both absent.
  const optional = (key: string, ...kinds: string[]): string =>
    `coalesce(json_type(j, '$.${key}'), 'NULL') IN ('NULL', ${kinds.map(quoteLiteral).join(', ')})`;
  const count = (type: string): string => `count(*) FILTER (WHERE event_type = '${type}')::BIGINT`;
  return `
    WITH lines AS (
      SELECT unnest(string_split(content, chr(10))) AS line FROM read_text(${glob})
    ), objects AS (
      SELECT line::JSON AS j FROM lines WHERE trim(line) <> '' AND json_valid(line) AND json_type(line::JSON) = 'OBJECT'
    ), valid AS (
      SELECT ${str('event_id')} AS event_id, ${str('event_type')} AS event_type,
             CAST(strptime(${str('event_ts')}, '%Y-%m-%dT%H:%M:%S.%gZ') AS DATE) AS event_date,
             CAST(${str('user_id')} AS BIGINT) AS user_id, CAST(${str('club_id')} AS INTEGER) AS club_id
      FROM objects
      WHERE json_type(j, '$.event_id') = 'VARCHAR'
        AND json_type(j, '$.event_type') = 'VARCHAR' AND ${str('event_type')} IN (${types.map(quoteLiteral).join(', ')})
        AND json_type(j, '$.event_ts') = 'VARCHAR' AND try_strptime(${str('event_ts')}, '%Y-%m-%dT%H:%M:%S.%gZ') IS NOT NULL
        AND json_type(j, '$.user_id') IN ('BIGINT', 'UBIGINT')
        AND json_type(j, '$.club_id') IN ('BIGINT', 'UBIGINT')
        AND json_type(j, '$.session_id') = 'VARCHAR'
        AND json_type(j, '$.device') = 'VARCHAR' AND ${str('device')} IN ('web', 'ios', 'android')
        AND ${optional('player_id', 'BIGINT', 'UBIGINT')} AND ${optional('request_id', 'VARCHAR')}
        AND ${optional('pitch_id', 'VARCHAR')} AND ${optional('search_query', 'VARCHAR')}
    ), events AS (
      SELECT event_id, min(event_type) AS event_type, min(event_date) AS event_date, min(user_id) AS user_id, min(club_id) AS club_id
      FROM valid GROUP BY event_id
    )
    SELECT club_id, event_date AS activity_date, count(DISTINCT user_id)::BIGINT AS active_users,
      ${count('login')} AS logins, ${count('player_search')} AS searches, ${count('player_profile_view')} AS profile_views,
      ${count('shortlist_add')} AS shortlist_adds, ${count('transfer_request_created')} AS transfer_requests,
      ${count('pitch_sent')} AS pitches_sent, ${count('pitch_viewed')} AS pitches_viewed, ${count('message_sent')} AS messages
    FROM events GROUP BY club_id, event_date`;
}
