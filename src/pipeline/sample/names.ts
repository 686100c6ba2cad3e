// Fixed word pools the reference data is drawn from: leagues, city names, club-name patterns,
// nationalities and personal names by naming culture. Data only; order matters (the PRNG
// indexes into these lists), so append rather than reorder to keep old seeds stable.
// Kept compact on purpose (prettier-ignore): one pool per line reads better than 800 lines.

export interface LeagueDef {
  country: string;
  tier1: string;
  tier2: string;
  patterns: readonly string[]; // '{c}' is replaced by a city
  cities: readonly string[];
  culture: string;
  /** earliest founding year that looks plausible for the country */
  foundedFrom: number;
}

// prettier-ignore
export const LEAGUES: readonly LeagueDef[] = [
  {
    country: 'England', tier1: 'Premier League', tier2: 'Championship', culture: 'english', foundedFrom: 1862,
    patterns: ['{c} United', '{c} City', '{c} Town', '{c} Rovers', '{c} Athletic', '{c} Albion', '{c} Wanderers', '{c} FC'],
    cities: ['Manchester', 'Liverpool', 'Leeds', 'Bristol', 'Sheffield', 'Nottingham', 'Leicester', 'Southampton', 'Norwich', 'Derby', 'Coventry', 'Sunderland', 'Middlesbrough', 'Reading', 'Ipswich', 'Hull', 'Stoke', 'Preston', 'Blackburn', 'Plymouth', 'Portsmouth', 'Burnley'],
  },
  {
    country: 'Spain', tier1: 'LaLiga', tier2: 'LaLiga Hypermotion', culture: 'spanish', foundedFrom: 1889,
    patterns: ['Real {c}', '{c} CF', 'Atlético {c}', 'CD {c}', 'UD {c}', 'Deportivo {c}', 'Racing {c}', 'SD {c}'],
    cities: ['Sevilla', 'Valencia', 'Bilbao', 'Málaga', 'Zaragoza', 'Vigo', 'Oviedo', 'Gijón', 'Cádiz', 'Granada', 'Almería', 'Elche', 'Getafe', 'Huesca', 'Burgos', 'Córdoba', 'Valladolid', 'Pamplona', 'Vitoria', 'Santander', 'Alicante', 'Murcia'],
  },
  {
    country: 'Germany', tier1: 'Bundesliga', tier2: '2. Bundesliga', culture: 'german', foundedFrom: 1874,
    patterns: ['FC {c}', 'SV {c}', 'VfB {c}', 'VfL {c}', '1. FC {c}', 'Borussia {c}', 'Fortuna {c}', 'Eintracht {c}'],
    cities: ['Köln', 'Hamburg', 'Bremen', 'Stuttgart', 'Nürnberg', 'Hannover', 'Düsseldorf', 'Kaiserslautern', 'Karlsruhe', 'Bochum', 'Freiburg', 'Mainz', 'Augsburg', 'Darmstadt', 'Paderborn', 'Braunschweig', 'Kiel', 'Rostock', 'Magdeburg', 'Fürth', 'Heidenheim', 'Münster'],
  },
  {
    country: 'Italy', tier1: 'Serie A', tier2: 'Serie B', culture: 'italian', foundedFrom: 1893,
    patterns: ['AC {c}', '{c} Calcio', 'US {c}', 'SS {c}', 'AS {c}', 'Hellas {c}', '{c} FC', 'Virtus {c}'],
    cities: ['Genova', 'Torino', 'Bologna', 'Firenze', 'Napoli', 'Palermo', 'Bari', 'Parma', 'Verona', 'Udine', 'Lecce', 'Cagliari', 'Empoli', 'Salerno', 'Cremona', 'Brescia', 'Modena', 'Pisa', 'Como', 'Venezia', 'Catanzaro', 'Sassuolo'],
  },
  {
    country: 'France', tier1: 'Ligue 1', tier2: 'Ligue 2', culture: 'french', foundedFrom: 1872,
    patterns: ['Olympique {c}', 'Stade {c}', 'AS {c}', 'RC {c}', 'FC {c}', 'AJ {c}', 'SC {c}', 'En Avant {c}'],
    cities: ['Lyon', 'Marseille', 'Lille', 'Nantes', 'Rennes', 'Bordeaux', 'Toulouse', 'Nice', 'Montpellier', 'Reims', 'Strasbourg', 'Lorient', 'Brest', 'Metz', 'Angers', 'Auxerre', 'Caen', 'Le Havre', 'Amiens', 'Grenoble', 'Sochaux', 'Troyes'],
  },
  {
    country: 'Portugal', tier1: 'Primeira Liga', tier2: 'Liga Portugal 2', culture: 'portuguese', foundedFrom: 1893,
    patterns: ['SC {c}', 'FC {c}', 'Sporting {c}', 'CD {c}', 'Vitória {c}', 'GD {c}', 'CF {c}', 'Académico {c}'],
    cities: ['Braga', 'Guimarães', 'Porto', 'Lisboa', 'Coimbra', 'Setúbal', 'Faro', 'Aveiro', 'Viseu', 'Leiria', 'Chaves', 'Famalicão', 'Estoril', 'Arouca', 'Tondela', 'Penafiel', 'Mafra', 'Feirense', 'Barcelos', 'Funchal', 'Covilhã', 'Portimão'],
  },
];

export interface Nationality {
  name: string;
  culture: string;
  weight: number;
}

// Two names carry commas, as ISO's official short names do, so the CSVs need RFC 4180 quoting.
// prettier-ignore
export const NATIONALITIES: readonly Nationality[] = [
  { name: 'Brazil', culture: 'portuguese', weight: 6 },
  { name: 'Argentina', culture: 'spanish', weight: 4 },
  { name: 'Netherlands', culture: 'dutch', weight: 3 },
  { name: 'Belgium', culture: 'dutch', weight: 2 },
  { name: 'Croatia', culture: 'slavic', weight: 2 },
  { name: 'Serbia', culture: 'slavic', weight: 2 },
  { name: 'Poland', culture: 'slavic', weight: 2 },
  { name: 'Denmark', culture: 'nordic', weight: 2 },
  { name: 'Norway', culture: 'nordic', weight: 1.5 },
  { name: 'Sweden', culture: 'nordic', weight: 1.5 },
  { name: 'Nigeria', culture: 'westafrican', weight: 2 },
  { name: 'Senegal', culture: 'westafrican', weight: 2 },
  { name: 'Ghana', culture: 'westafrican', weight: 1.5 },
  { name: "Côte d'Ivoire", culture: 'westafrican', weight: 1.5 },
  { name: 'Cameroon', culture: 'westafrican', weight: 1 },
  { name: 'Congo, Democratic Republic of the', culture: 'westafrican', weight: 1 },
  { name: 'Morocco', culture: 'arabic', weight: 2 },
  { name: 'Algeria', culture: 'arabic', weight: 1.5 },
  { name: 'Korea, Republic of', culture: 'korean', weight: 1 },
  { name: 'Japan', culture: 'japanese', weight: 1.5 },
  { name: 'United States', culture: 'english', weight: 1.5 },
  { name: 'Uruguay', culture: 'spanish', weight: 1.5 },
  { name: 'Colombia', culture: 'spanish', weight: 1.5 },
  { name: 'Mexico', culture: 'spanish', weight: 1 },
  { name: 'Türkiye', culture: 'turkish', weight: 1.5 },
  { name: 'Ireland', culture: 'irish', weight: 1 },
  { name: 'Scotland', culture: 'irish', weight: 1 },
];

export interface NamePool {
  first: readonly string[];
  last: readonly string[];
}

// prettier-ignore
export const NAME_POOLS: Readonly<Record<string, NamePool>> = {
  english: {
    first: ['James', 'Harry', 'Jack', 'Oliver', 'Mason', 'Callum', 'Jordan', 'Reece', 'Ben', 'Luke', 'Tom', 'Kieran', 'Declan', 'Jude', 'Marcus'],
    last: ['Smith', 'Walker', 'Hughes', 'Taylor', 'Clarke', 'Wright', 'Robinson', 'Mitchell', 'Barnes', 'Foster', 'Palmer', 'Gibbs', 'Trippier', 'Ward', 'Cooper', 'Bellamy'],
  },
  irish: {
    first: ['Sean', 'Conor', 'Aidan', 'Callum', 'Ryan', 'Liam', 'Cian', 'Darragh', 'Ewan', 'Scott'],
    last: ["O'Brien", "O'Connor", 'McCarthy', 'Doyle', 'Keane', "O'Shea", 'McGinn', 'Robertson', 'Gallagher', 'Byrne', "O'Neill"],
  },
  spanish: {
    first: ['Pablo', 'Álvaro', 'Sergio', 'Javier', 'Diego', 'Iker', 'Mikel', 'Adrián', 'Rodrigo', 'Nicolás', 'Julián', 'Ángel', 'Santiago', 'Mateo', 'Emiliano'],
    last: ['García', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Álvarez', 'Romero', 'Navarro', 'Torres', 'Domínguez'],
  },
  portuguese: {
    first: ['João', 'Gonçalo', 'Rúben', 'Diogo', 'Bruno', 'Rafael', 'Vinícius', 'Gabriel', 'Lucas', 'Thiago', 'Matheus', 'Pedro', 'André', 'Tiago', 'Otávio'],
    last: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Gonçalves', 'Carvalho', 'Araújo', 'Ribeiro', 'Conceição', 'Magalhães'],
  },
  german: {
    first: ['Lukas', 'Leon', 'Jonas', 'Florian', 'Kai', 'Niklas', 'Jamal', 'Julian', 'Maximilian', 'Timo', 'Serge', 'Joshua', 'Felix', 'Robin', 'Tobias'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neuer', 'Günther'],
  },
  italian: {
    first: ['Lorenzo', 'Federico', 'Nicolò', 'Alessandro', 'Matteo', 'Giacomo', 'Davide', 'Gianluigi', 'Sandro', 'Riccardo', 'Andrea', 'Manuel', 'Destiny', 'Ciro', 'Gianluca'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', "D'Ambrosio", 'Barella', 'Chiesa'],
  },
  french: {
    first: ['Antoine', 'Kylian', 'Théo', 'Lucas', 'Aurélien', 'Eduardo', 'Ousmane', 'Jules', 'Benjamin', 'Hugo', 'Mattéo', 'Rayan', 'Warren', 'Randal', 'Clément'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Girard', 'Lemaire', 'Guendouzi', 'Fofana', 'Koné'],
  },
  dutch: {
    first: ['Frenkie', 'Matthijs', 'Virgil', 'Cody', 'Denzel', 'Jurriën', 'Teun', 'Xavi', 'Kevin', 'Youri', 'Thibaut', 'Jeremy', 'Arne', 'Lois', 'Dries'],
    last: ['de Jong', 'de Vries', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Peeters', 'Maes', 'Jacobs', 'Vermeulen', 'Claes', 'van den Berg'],
  },
  nordic: {
    first: ['Erling', 'Martin', 'Rasmus', 'Christian', 'Viktor', 'Alexander', 'Emil', 'Dejan', 'Jesper', 'Oscar', 'Mikkel', 'Sander', 'Joakim', 'Kasper', 'Anders'],
    last: ['Haaland', 'Ødegaard', 'Højlund', 'Eriksen', 'Gyökeres', 'Isak', 'Larsson', 'Nielsen', 'Jensen', 'Hansen', 'Johansson', 'Lindelöf', 'Sørloth', 'Kristiansen', 'Dahl', 'Åberg'],
  },
  slavic: {
    first: ['Luka', 'Ivan', 'Josip', 'Mateo', 'Dušan', 'Aleksandar', 'Robert', 'Piotr', 'Wojciech', 'Nikola', 'Marko', 'Filip', 'Jakub', 'Dominik', 'Sergej'],
    last: ['Modrić', 'Perišić', 'Gvardiol', 'Kovačić', 'Vlahović', 'Milinković', 'Lewandowski', 'Szczęsny', 'Zieliński', 'Mitrović', 'Kostić', 'Jovanović', 'Nowak', 'Kamiński', 'Petrović', 'Brozović'],
  },
  westafrican: {
    first: ['Victor', 'Sadio', 'Kalidou', 'Wilfried', 'Thomas', 'Yves', 'Idrissa', 'Samuel', 'Moses', 'Ademola', 'Franck', 'Kelechi', 'Serhou', 'Ismaïla', 'Chancel'],
    last: ['Osimhen', 'Mané', 'Koulibaly', 'Zaha', 'Partey', 'Bissouma', 'Gueye', 'Eto’o', 'Simon', 'Lookman', 'Kessié', 'Iheanacho', 'Guirassy', 'Sarr', 'Mbemba', 'Ndidi'],
  },
  arabic: {
    first: ['Achraf', 'Hakim', 'Youssef', 'Sofyan', 'Riyad', 'Ismaël', 'Nayef', 'Azzedine', 'Amine', 'Bilal', 'Said', 'Rayan', 'Karim', 'Adam', 'Yassine'],
    last: ['Hakimi', 'Ziyech', 'En-Nesyri', 'Amrabat', 'Mahrez', 'Bennacer', 'Aguerd', 'Ounahi', 'Harit', 'El Khannouss', 'Bounou', 'Mazraoui', 'Slimani', 'Belaïli', 'Atal', 'Benrahma'],
  },
  korean: {
    first: ['Heung-min', 'Min-jae', 'Kang-in', 'Hee-chan', 'Gue-sung', 'Jae-sung', 'Woo-yeong', 'Seung-ho', 'In-beom', 'Young-woo'],
    last: ['Son', 'Kim', 'Lee', 'Hwang', 'Cho', 'Jeong', 'Park', 'Paik', 'Hong', 'Seol'],
  },
  japanese: {
    first: ['Takumi', 'Kaoru', 'Daichi', 'Takefusa', 'Wataru', 'Ritsu', 'Hiroki', 'Junya', 'Ko', 'Ayase', 'Kyogo', 'Takehiro'],
    last: ['Minamino', 'Mitoma', 'Kamada', 'Kubo', 'Endo', 'Doan', 'Ito', 'Itakura', 'Tomiyasu', 'Ueda', 'Furuhashi', 'Morita'],
  },
  turkish: {
    first: ['Arda', 'Hakan', 'Kerem', 'Ferdi', 'Orkun', 'Merih', 'Çağlar', 'Kenan', 'Barış', 'Ozan'],
    last: ['Güler', 'Çalhanoğlu', 'Aktürkoğlu', 'Kadıoğlu', 'Kökçü', 'Demiral', 'Söyüncü', 'Yıldız', 'Yılmaz', 'Kabak'],
  },
};

// prettier-ignore
export const AGENCIES: readonly string[] = ['northstar-football', 'primeplay-agency', 'elite-sports-mgmt', 'golden-boot-partners', 'touchline-agency', 'atlas-football', 'first-touch-group', 'meridian-sports', 'catalyst-football', 'blue-sky-talent'];

// prettier-ignore
export const SEARCH_POSITIONS: readonly string[] = ['goalkeeper', 'left back', 'right back', 'centre back', 'wing back', 'defensive midfielder', 'central midfielder', 'attacking midfielder', 'number 10', 'left winger', 'right winger', 'striker', 'false 9', 'box to box'];

// prettier-ignore
export const SEARCH_MODIFIERS: readonly string[] = ['u21', 'u23', 'free agent', 'loan', '< 5m', 'left-footed', 'right footed', 'experienced', 'pace', 'aerial', 'contract 2025', 'eu passport'];

/** Event types that are not accepted (they end up as unknown_event_type lines). */
// prettier-ignore
export const UNKNOWN_EVENT_TYPES: readonly string[] = ['page_scroll', 'ad_click', 'app_background', 'push_opened', 'tooltip_shown'];
