import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { MultiPolygon, Polygon } from 'geojson';

// Kent and Medway's 13 areas and 289 wards (ONS codes, LAD May 2023 and wards December 2023). See data/SOURCE.md.

export type District = { code: string; name: string };
export type Ward = { code: string; name: string; districtCode: string };

const dataDir = path.join(import.meta.dirname, 'data');

type LookupRow = { WD23CD: string; WD23NM: string; LAD23CD: string; LAD23NM: string };
const lookup = parse(readFileSync(path.join(dataDir, 'kent-medway-ward-to-lad-dec2023.csv')), {
  columns: true,
  skip_empty_lines: true,
}) as LookupRow[];

export const districts: readonly District[] = [
  ...new Map(lookup.map((row) => [row.LAD23CD, { code: row.LAD23CD, name: row.LAD23NM }])).values(),
].sort((a, b) => a.name.localeCompare(b.name));

export const wards: readonly Ward[] = lookup
  .map((row) => ({ code: row.WD23CD, name: row.WD23NM, districtCode: row.LAD23CD }))
  .sort((a, b) => a.name.localeCompare(b.name));

const districtByCode = new Map(districts.map((district) => [district.code, district]));
const wardByCode = new Map(wards.map((ward) => [ward.code, ward]));

export const isDistrictCode = (code: string) => districtByCode.has(code);
export const districtName = (code: string) => districtByCode.get(code)?.name ?? code;
export const findWard = (code: string) => wardByCode.get(code);
export const wardsIn = (districtCode: string) => wards.filter((ward) => ward.districtCode === districtCode);

export type DistrictBoundaries = {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: { LAD23CD: string; LAD23NM: string }; geometry: MultiPolygon | Polygon }[];
};

export function districtBoundaries(): DistrictBoundaries {
  return JSON.parse(
    readFileSync(path.join(dataDir, 'kent-medway-lad-may2023-buc.geojson'), 'utf8'),
  ) as DistrictBoundaries;
}
