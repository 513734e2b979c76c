/**
 * Poisson regression with a log link, fitted by iteratively reweighted least squares (McCullagh &
 * Nelder, "Generalized Linear Models", ch. 2). With log price as a regressor this is the log-log demand
 * model log E[units] = a + β·log(price) + …, fitted on the counts themselves, so days without a sale
 * count as the information they are (a least-squares fit of log(units) would have to drop or fudge
 * them). Standard errors are quasi-Poisson: scaled by the Pearson dispersion, because sales are
 * over-dispersed.
 */

export interface GlmFit {
  coefficients: number[];
  /** Standard errors (dispersion-scaled). */
  se: number[];
  dispersion: number;
  iterations: number;
  converged: boolean;
  n: number;
}

/** Solves A x = b for symmetric positive-definite A (Cholesky); null when A is singular. */
export function choleskySolve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (s <= 1e-12) return null;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  const z = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** Diagonal of A⁻¹ (column by column through the Cholesky solve). */
function inverseDiagonal(a: number[][]): number[] | null {
  const n = a.length;
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = choleskySolve(a, e);
    if (!col) return null;
    out.push(col[j]!);
  }
  return out;
}

/** Rows of x must all have the same length; y are counts ≥ 0. Throws when the design is singular. */
export function poissonRegression(x: readonly number[][], y: readonly number[], opts: { maxIterations?: number; tolerance?: number } = {}): GlmFit {
  const n = y.length;
  const p = x[0]?.length ?? 0;
  if (n <= p) throw new RangeError(`Poisson regression needs more rows (${n}) than coefficients (${p})`);
  const meanY = y.reduce((s, v) => s + v, 0) / n;
  if (meanY <= 0) throw new RangeError('Poisson regression needs at least one non-zero count');
  // Start from the intercept-only fit (first column is assumed to be the intercept).
  let beta = new Array<number>(p).fill(0);
  beta[0] = Math.log(meanY);
  let converged = false;
  let iterations = 0;
  let xtwx: number[][] = [];
  for (; iterations < (opts.maxIterations ?? 50); iterations++) {
    xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const xtwz = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      const row = x[i]!;
      let eta = 0;
      for (let j = 0; j < p; j++) eta += row[j]! * beta[j]!;
      eta = Math.min(30, Math.max(-30, eta));
      const mu = Math.exp(eta);
      const z = eta + (y[i]! - mu) / mu;
      for (let j = 0; j < p; j++) {
        const wj = mu * row[j]!;
        xtwz[j]! += wj * z;
        for (let k = 0; k <= j; k++) xtwx[j]![k]! += wj * row[k]!;
      }
    }
    for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) xtwx[j]![k] = xtwx[k]![j]!;
    const next = choleskySolve(xtwx, xtwz);
    if (!next) throw new RangeError('Poisson regression: the design is singular (a regressor does not vary)');
    const change = Math.max(...next.map((v, j) => Math.abs(v - beta[j]!)));
    beta = next;
    if (change < (opts.tolerance ?? 1e-8)) {
      converged = true;
      iterations++;
      break;
    }
  }
  let pearson = 0;
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += x[i]![j]! * beta[j]!;
    const mu = Math.exp(Math.min(30, Math.max(-30, eta)));
    pearson += (y[i]! - mu) ** 2 / mu;
  }
  const dispersion = Math.max(1, pearson / (n - p));
  const diag = inverseDiagonal(xtwx);
  if (!diag) throw new RangeError('Poisson regression: the information matrix is singular');
  return { coefficients: beta, se: diag.map((d) => Math.sqrt(Math.max(0, d) * dispersion)), dispersion, iterations, converged, n };
}
