/** A parsed CSV: header, rows padded/cut to the header's width, and the lines that needed it. */
export interface CsvTable {
  header: string[];
  rows: string[][];
  problems: Array<{ line: number; reason: string }>;
}

/** Longest CSV accepted (lookup tables are small; a huge file is a mistake, not a lookup). */
export const MAX_CSV_CHARS = 64 * 1024 * 1024;

/**
 * Parses RFC 4180 CSV: quoted fields with doubled quotes, embedded commas and newlines, CRLF or
 * LF, a UTF-8 BOM. Never throws: an unterminated quote or a ragged row is reported with its line.
 */
export function parseCsv(input: string): CsvTable {
  const problems: CsvTable["problems"] = [];
  const text = (input.length > MAX_CSV_CHARS ? input.slice(0, MAX_CSV_CHARS) : input).replace(/^\uFEFF/, "");
  if (input.length > MAX_CSV_CHARS) problems.push({ line: 0, reason: `file cut at ${MAX_CSV_CHARS} characters` });
  const records: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell.length === 0) {
      inQuotes = true;
      quoteLine = line;
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = "";
      line++;
      recordLine = line;
    } else cell += c;
  }
  if (inQuotes) problems.push({ line: quoteLine, reason: "unterminated quoted field: the rest of the file was read as one value" });
  if (cell.length > 0 || cells.length > 0) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  const nonEmpty = records.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ""));
  if (nonEmpty.length === 0) return { header: [], rows: [], problems: [...problems, { line: 1, reason: "empty file: no header" }] };
  const header = nonEmpty[0].cells.map((h) => h.trim());
  const rows: string[][] = [];
  for (const r of nonEmpty.slice(1)) {
    if (r.cells.length !== header.length) {
      problems.push({ line: r.line, reason: `${r.cells.length} fields where the header has ${header.length}` });
    }
    const row = r.cells.slice(0, header.length);
    while (row.length < header.length) row.push("");
    rows.push(row);
  }
  return { header, rows, problems };
}
