import { geoMercator, geoPath } from 'd3-geo';
import { scaleQuantize } from 'd3-scale';
import { districtBoundaries } from './geography.ts';

// A choropleth of the 13 areas, drawn on the server as SVG: no tiles, nothing fetched, readable without
// JavaScript. Pages always show the same figures as a table beside it.

const WIDTH = 640;
const HEIGHT = 420;
// Sequential blues that stay distinct for the common colour vision deficiencies; the darkest three take white text.
const PALETTE = ['#deebf7', '#9ecae1', '#4292c6', '#2171b5', '#08306b'];
const EMPTY = '#f3f2f1';

type Area = { code: string; name: string; path: string };

let areas: Area[] | undefined;
/** Projected once: the boundaries do not change while the service runs. */
function projectedAreas(): Area[] {
  if (areas) return areas;
  const boundaries = districtBoundaries();
  const projection = geoMercator().fitSize([WIDTH, HEIGHT], boundaries);
  const path = geoPath(projection);
  areas = boundaries.features.map((feature) => ({
    code: feature.properties.LAD23CD,
    name: feature.properties.LAD23NM,
    path: path(feature) ?? '',
  }));
  return areas;
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[character] ?? character,
  );

export type MapLegendEntry = { colour: string; label: string };

/** The SVG and its legend for counts by district code. */
export function districtMap(counts: Record<string, number>, options: { title: string; description: string }) {
  const max = Math.max(0, ...Object.values(counts));
  const scale = scaleQuantize<string>()
    .domain([1, Math.max(max, PALETTE.length)])
    .range(PALETTE);
  const fill = (count: number) => (count > 0 ? scale(count) : EMPTY);
  const paths = projectedAreas()
    .map((area) => {
      const count = counts[area.code] ?? 0;
      return `<path d="${area.path}" fill="${fill(count)}" stroke="#0b0c0c" stroke-width="1"><title>${escapeXml(area.name)}: ${count.toLocaleString('en-GB')}</title></path>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="map-title map-description" class="app-map" focusable="false"><title id="map-title">${escapeXml(options.title)}</title><desc id="map-description">${escapeXml(options.description)}</desc>${paths}</svg>`;
  const legend: MapLegendEntry[] = [
    { colour: EMPTY, label: 'None' },
    ...PALETTE.map((colour) => {
      const [from, to] = scale.invertExtent(colour);
      return {
        colour,
        label: `${Math.ceil(from ?? 0).toLocaleString('en-GB')} to ${Math.floor(to ?? 0).toLocaleString('en-GB')}`,
      };
    }),
  ];
  return { svg, legend };
}
