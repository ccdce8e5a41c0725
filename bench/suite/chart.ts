/**
 * Draws docs/benchmarks.svg: for each scenario, one bar per runtime showing TS ↔ TS's
 * headline figure as a share of C ↔ C's, with a line at 1 (parity). Plain SVG, no library.
 *
 * @module
 */

import { ratioToC } from "./report.ts";
import type { SuiteResult } from "./suite.ts";

const COLORS: Record<string, string> = { deno: "#2b7a78", bun: "#e0a100", node: "#5a8f29" };

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Renders the chart.
 *
 * @param result The suite's figures.
 * @returns SVG text.
 */
export function renderChart(result: SuiteResult): string {
  const bar = 14;
  const label = 300;
  const width = 760;
  const plot = width - label - 60;
  const groups = result.scenarios.map((s) => ({
    title: s.title,
    ratios: result.runtimes.map((r) =>
      ratioToC(result, s.id, { client: r, server: r }, s.headline)
    ),
  }));
  const finite = groups.flatMap((g) => g.ratios).filter(Number.isFinite);
  const max = Math.max(1, ...finite) * 1.1;
  const groupHeight = bar * result.runtimes.length + 12;
  const top = 50;
  const height = top + groups.length * groupHeight + 40;
  const x = (v: number) => Math.round(label + (plot * v) / max);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">TS ↔ TS as a share of C ↔ C ` +
    `(same run; 1 = C's speed)</text>`,
  ];
  result.runtimes.forEach((r, i) => {
    parts.push(
      `<rect x="${10 + i * 90}" y="30" width="10" height="10" fill="${COLORS[r]}"/>`,
      `<text x="${24 + i * 90}" y="39">${r}</text>`,
    );
  });
  groups.forEach((group, g) => {
    const y0 = top + g * groupHeight;
    parts.push(
      `<text x="${label - 6}" y="${y0 + groupHeight / 2}" text-anchor="end">${
        escape(group.title)
      }</text>`,
    );
    group.ratios.forEach((value, i) => {
      const y = y0 + i * bar;
      const w = Number.isFinite(value) ? Math.max(1, x(value) - label) : 0;
      const text = Number.isFinite(value) ? value.toFixed(2) : "n/a";
      parts.push(
        `<rect x="${label}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" ` +
          `fill="${COLORS[result.runtimes[i]]}"/>`,
        `<text x="${(label + w + 4).toFixed(1)}" y="${y + bar - 4}">${text}</text>`,
      );
    });
  });
  const bottom = top + groups.length * groupHeight;
  parts.push(
    `<line x1="${x(1)}" y1="${top - 4}" x2="${x(1)}" y2="${bottom}" stroke="#c00" ` +
      `stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${bottom + 16}" text-anchor="middle" fill="#c00">C = 1</text>`,
    `<line x1="${label}" y1="${top - 4}" x2="${label}" y2="${bottom}" stroke="#333"/>`,
    "</svg>",
  );
  return parts.join("\n") + "\n";
}
