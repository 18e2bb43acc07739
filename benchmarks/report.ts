/** One benchmark figure; `goal` is human-readable, e.g. "< 2%" or ">= 0.7". */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  goal: string;
}

export type Report = (figure: BenchFigure) => void;
