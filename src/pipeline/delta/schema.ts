// The Delta schema (PROTOCOL.md "Schema Serialization Format"): parsing
// `schemaString`, mapping Delta types to DuckDB types and back, and column
// mapping (logical name ↔ physical name in parquet files, partition folders,
// partitionValues keys and stats). One module so both directions agree.

export type PrimitiveType =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | `decimal(${number},${number})`;

export interface StructField {
  name: string;
  type: DataType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export interface StructType {
  type: 'struct';
  fields: StructField[];
}

export interface ArrayType {
  type: 'array';
  elementType: DataType;
  containsNull: boolean;
}

export interface MapType {
  type: 'map';
  keyType: DataType;
  valueType: DataType;
  valueContainsNull: boolean;
}

export type DataType = PrimitiveType | StructType | ArrayType | MapType;

export type ColumnMappingMode = 'none' | 'name' | 'id';

const PRIMITIVES = new Set([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
]);
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;

export class SchemaError extends Error {}

export function parseSchemaString(schemaString: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch {
    throw new SchemaError('metaData.schemaString is not valid JSON.');
  }
  const t = parseType(json);
  if (typeof t === 'string' || t.type !== 'struct')
    throw new SchemaError('The table schema must be a struct.');
  return t;
}

function parseType(json: unknown): DataType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return json as PrimitiveType;
    const d = DECIMAL.exec(json);
    if (d) return `decimal(${Number(d[1])},${Number(d[2])})`;
    if (json === 'decimal') return 'decimal(10,0)';
    throw new SchemaError(`Unsupported Delta type '${json}'.`);
  }
  if (typeof json !== 'object' || json === null)
    throw new SchemaError('A schema type must be a string or an object.');
  const o = json as Record<string, unknown>;
  switch (o['type']) {
    case 'struct':
      return {
        type: 'struct',
        fields: (Array.isArray(o['fields']) ? o['fields'] : []).map((f: unknown) => {
          const fo = f as Record<string, unknown>;
          return {
            name: String(fo['name']),
            type: parseType(fo['type']),
            nullable: fo['nullable'] !== false,
            metadata: (fo['metadata'] as Record<string, unknown> | undefined) ?? {},
          };
        }),
      };
    case 'array':
      return {
        type: 'array',
        elementType: parseType(o['elementType']),
        containsNull: o['containsNull'] !== false,
      };
    case 'map':
      return {
        type: 'map',
        keyType: parseType(o['keyType']),
        valueType: parseType(o['valueType']),
        valueContainsNull: o['valueContainsNull'] !== false,
      };
    default:
      throw new SchemaError(`Unsupported Delta type ${JSON.stringify(o['type'])}.`);
  }
}

export function serializeSchema(schema: StructType): string {
  return JSON.stringify(schema);
}

/** The DuckDB type for a Delta type; nested types use physical names when a mapping is given. */
export function toDuckDbType(t: DataType, mode: ColumnMappingMode = 'none'): string {
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        return 'VARCHAR';
      case 'long':
        return 'BIGINT';
      case 'integer':
        return 'INTEGER';
      case 'short':
        return 'SMALLINT';
      case 'byte':
        return 'TINYINT';
      case 'float':
        return 'FLOAT';
      case 'double':
        return 'DOUBLE';
      case 'boolean':
        return 'BOOLEAN';
      case 'binary':
        return 'BLOB';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMPTZ';
      case 'timestamp_ntz':
        return 'TIMESTAMP';
      default: {
        const d = DECIMAL.exec(t);
        return d ? `DECIMAL(${d[1]},${d[2]})` : 'VARCHAR';
      }
    }
  }
  switch (t.type) {
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `"${physicalName(f, mode).replaceAll('"', '""')}" ${toDuckDbType(f.type, mode)}`).join(', ')})`;
    case 'array':
      return `${toDuckDbType(t.elementType, mode)}[]`;
    case 'map':
      return `MAP(${toDuckDbType(t.keyType, mode)}, ${toDuckDbType(t.valueType, mode)})`;
  }
}

/**
 * The Delta type for a DuckDB type name as DuckDB prints it (DESCRIBE).
 * Returns null for types Delta cannot hold (unsigned, HUGEINT, INTERVAL, UNION …).
 */
export function fromDuckDbType(duck: string): DataType | null {
  const t = duck.trim();
  const upper = t.toUpperCase();
  const simple: Record<string, PrimitiveType> = {
    VARCHAR: 'string',
    BIGINT: 'long',
    INTEGER: 'integer',
    SMALLINT: 'short',
    TINYINT: 'byte',
    FLOAT: 'float',
    DOUBLE: 'double',
    BOOLEAN: 'boolean',
    BLOB: 'binary',
    DATE: 'date',
    'TIMESTAMP WITH TIME ZONE': 'timestamp',
    TIMESTAMPTZ: 'timestamp',
    TIMESTAMP: 'timestamp_ntz',
    UUID: 'string',
    JSON: 'string',
  };
  const s = simple[upper];
  if (s) return s;
  const d = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(upper);
  if (d) return `decimal(${Number(d[1])},${Number(d[2])})`;
  if (upper.endsWith('[]')) {
    const inner = fromDuckDbType(t.slice(0, -2));
    return inner ? { type: 'array', elementType: inner, containsNull: true } : null;
  }
  if (upper.startsWith('STRUCT(') && upper.endsWith(')')) {
    const fields: StructField[] = [];
    for (const part of splitTopLevel(t.slice(7, -1))) {
      const m = /^\s*("(?:[^"]|"")*"|[^\s]+)\s+(.+)$/.exec(part);
      if (!m) return null;
      const rawName = m[1] ?? '';
      const name = rawName.startsWith('"') ? rawName.slice(1, -1).replaceAll('""', '"') : rawName;
      const ft = fromDuckDbType(m[2] ?? '');
      if (!ft) return null;
      fields.push({ name, type: ft, nullable: true, metadata: {} });
    }
    return { type: 'struct', fields };
  }
  if (upper.startsWith('MAP(') && upper.endsWith(')')) {
    const [k, v] = splitTopLevel(t.slice(4, -1));
    const kt = k ? fromDuckDbType(k) : null;
    const vt = v ? fromDuckDbType(v) : null;
    return kt && vt ? { type: 'map', keyType: kt, valueType: vt, valueContainsNull: true } : null;
  }
  return null;
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out.filter((p) => p !== '');
}

export function columnMappingMode(configuration: Record<string, string>): ColumnMappingMode {
  const m = configuration['delta.columnMapping.mode'];
  return m === 'name' || m === 'id' ? m : 'none';
}

/** The column's name in parquet files, partition folders, partitionValues and stats. */
export function physicalName(field: StructField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const p = field.metadata['delta.columnMapping.physicalName'];
  return typeof p === 'string' ? p : field.name;
}

export function fieldId(field: StructField): number | undefined {
  const id = field.metadata['delta.columnMapping.id'];
  return typeof id === 'number' ? id : undefined;
}

/** A compact type name for display and the CLI (`long`, `decimal(10,2)`, `array<integer>` …). */
export function typeName(t: DataType): string {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${typeName(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${typeName(t.elementType)}>`;
    case 'map':
      return `map<${typeName(t.keyType)},${typeName(t.valueType)}>`;
  }
}
