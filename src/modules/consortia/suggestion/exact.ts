// The exact path: the pruned problem as a mixed-integer programme, solved to optimality with the help of HiGHS
// (the `highs` WebAssembly build).
//
//   maximise  Σ w_kc·y_kc + Σ lead_k·z_k − memberCost·Σ x_k − uncoveredCost·Σ u_c − noLeadCost·n
//   subject to  Σ_k y_kc + u_c = 1            each cell some organisation can deliver
//               y_kc ≤ x_k                    a cell only goes to a member
//               Σ_c v_c·y_kc ≥ minShare·x_k   each member's share (skipped when the minimum is 0)
//               Σ_k z_k + n = 1, z_k ≤ x_k     one lead, a member who can lead
//               Σ_k x_k ≤ maxMembers
//   x, y, z binary; u and n in [0, 1] (whole at any optimum, since the y are).
//
// The uncovered and no-lead costs outweigh every weight, so the programme is always feasible and covers every
// cell it can, rather than failing when the member limit or the minimum share leave a cell without an owner.
// All objective coefficients are whole numbers, so an absolute gap below 1 proves optimality.
//
// First the programme loses every organisation that a Lagrangian bound (bound.ts) shows cannot be in a
// consortium better than the heuristic's, which leaves a hundred or so rather than hundreds or thousands; when
// the bound already matches the heuristic's consortium, nothing more is run. HiGHS on what is left spends many
// seconds at the root alone for a gap of a per cent or two, so a branch and bound over who is a member
// (branch.ts) searches it instead, and HiGHS solves only its leaves: the best assignment once the members are
// settled. The whole programme goes to HiGHS only when the starting consortium breaks a constraint.
import type { Highs } from 'highs';
import { programmeObjective, reduceByBound } from './bound.ts';
import { branchAndBound, programmeValue } from './branch.ts';
import { searchHeuristic, THOROUGH_STARTS } from './heuristic.ts';
import type { Assignment } from './model.ts';
import { evaluate, weightMatrix } from './objective.ts';
import type { Problem } from './problem.ts';

type Loader = () => Promise<Highs>;
let loading: Promise<Highs> | undefined;
/** The solver is compiled once per process and reused: loading it takes far longer than a small solve. */
export const loadHighs = (): Promise<Highs> => {
  loading ??= import('highs').then((module) => {
    // The package's types describe its CommonJS build; its ES module build exports the loader itself as default.
    const exported: unknown = module.default;
    const load = (typeof exported === 'function' ? exported : (exported as { default: unknown }).default) as Loader;
    return load();
  });
  return loading;
};

export type ExactResult = {
  assignment: Assignment;
  /** True when the solution is proved optimal; false when the time limit stopped the search first. */
  optimal: boolean;
  status: string;
  /** The best bound proved on the objective including coverage costs. */
  bound: number;
  /** Organisations left for the search after the bound dropped the rest; 0 when the bound alone proved optimality. */
  kept: number;
  /** Nodes of the branch and bound (branch.ts) over those left. */
  nodes: number;
};

type Column = { cost: number; lower: number; integer: boolean; rows: number[]; values: number[] };

/**
 * Builds the programme column by column, keeping where each member and cell landed; with `everyMember`, every
 * organisation must be a member.
 */
function programme(problem: Problem, everyMember: boolean) {
  const cellCount = problem.cells.length;
  const columns: Column[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addRow = (lower: number, upper: number) => {
    rowUpper.push(upper);
    return rowLower.push(lower) - 1;
  };
  const addColumn = (cost: number, integer: boolean, entries: [number, number][], lower = 0) =>
    columns.push({
      cost,
      lower,
      integer,
      rows: entries.map(([row]) => row),
      values: entries.map(([, value]) => value),
    }) - 1;
  const coverRow = new Int32Array(cellCount).fill(-1);
  problem.coverable.forEach((one, c) => {
    if (one) coverRow[c] = addRow(1, 1);
  });
  const leadRow = addRow(1, 1);
  const sizeRow = addRow(Number.NEGATIVE_INFINITY, problem.options.maxMembers);
  // Shares in basis points of the whole, to keep the coefficients of one row alike in size.
  const basisPoints = (c: number) => ((problem.cells[c]?.valuePence ?? 0) * 10_000) / problem.totalValue;
  const minimum = problem.options.minSharePercent * 100;
  const xColumn: number[] = [];
  const zColumn: number[] = [];
  const yColumns: Int32Array[] = [];
  problem.members.forEach((member) => {
    const shareRow = minimum > 0 ? addRow(0, Number.POSITIVE_INFINITY) : -1;
    const links = Array.from(member.cells, () => addRow(Number.NEGATIVE_INFINITY, 0));
    const leadLink = member.leadBonus === null ? -1 : addRow(Number.NEGATIVE_INFINITY, 0);
    const xEntries: [number, number][] = [[sizeRow, 1], ...links.map((row): [number, number] => [row, -1])];
    if (shareRow >= 0) xEntries.push([shareRow, -minimum]);
    if (leadLink >= 0) xEntries.push([leadLink, -1]);
    xColumn.push(addColumn(-problem.memberCost, true, xEntries, everyMember ? 1 : 0));
    zColumn.push(
      member.leadBonus === null
        ? -1
        : addColumn(member.leadBonus, true, [
            [leadRow, 1],
            [leadLink, 1],
          ]),
    );
    yColumns.push(
      Int32Array.from(member.cells, (c, at) => {
        const entries: [number, number][] = [
          [coverRow[c] as number, 1],
          [links[at] as number, 1],
        ];
        if (shareRow >= 0) entries.push([shareRow, basisPoints(c)]);
        return addColumn(member.weights[at] as number, true, entries);
      }),
    );
  });
  const uColumn = Array.from(coverRow, (row) => (row < 0 ? -1 : addColumn(-problem.uncoveredCost, false, [[row, 1]])));
  const noLeadColumn = addColumn(-problem.noLeadCost, false, [[leadRow, 1]]);
  return { columns, rowLower, rowUpper, xColumn, zColumn, yColumns, uColumn, noLeadColumn };
}

/** The problem with only some of its members, numbered in the order given, each with some of its cells. */
function restrict(problem: Problem, keep: ReadonlyMap<number, readonly number[]>): Problem {
  const members = [...keep].map(([k, positions]) => {
    const member = problem.members[k] as Problem['members'][number];
    return {
      ...member,
      cells: Int32Array.from(positions, (at) => member.cells[at] as number),
      weights: Int32Array.from(positions, (at) => member.weights[at] as number),
    };
  });
  const coverable = new Uint8Array(problem.cells.length);
  for (const member of members) for (const c of member.cells) coverable[c] = 1;
  return { ...problem, members, coverable };
}

/** An assignment between the members of a problem and those of its restriction to `keep`. */
function renumber(assignment: Assignment, map: (k: number) => number): Assignment {
  return {
    owner: Int32Array.from(assignment.owner, (k) => (k < 0 ? -1 : map(k))),
    lead: assignment.lead < 0 ? -1 : map(assignment.lead),
  };
}

export async function solveExact(
  problem: Problem,
  { timeLimitSeconds = 60, start }: { timeLimitSeconds?: number; start?: Assignment } = {},
): Promise<ExactResult> {
  const known = start ?? searchHeuristic(problem, { starts: THOROUGH_STARTS }).assignment;
  const evaluation = evaluate(problem, weightMatrix(problem), known);
  if (!evaluation.feasible) {
    const solved = await solveProgramme(problem, timeLimitSeconds, { start });
    return { ...solved, kept: problem.members.length, nodes: 0 };
  }
  const reduction = reduceByBound(problem, known, programmeObjective(problem, evaluation));
  if (reduction.proved)
    return { assignment: known, optimal: true, status: 'optimal', bound: reduction.bound, kept: 0, nodes: 0 };
  const kept = [...reduction.keep.keys()];
  const position = new Map(kept.map((k, at) => [k, at]));
  const restricted = restrict(problem, reduction.keep);
  const deadline = performance.now() + timeLimitSeconds * 1000;
  const matrix = weightMatrix(restricted);
  // Once the search has settled who the members are, HiGHS assigns them the cells the bound left them.
  const solveLeaf = async (members: number[], atLeast: number) => {
    const cells = (k: number) => Array.from(restricted.members[k]?.cells ?? [], (_, at) => at);
    const leafProblem = restrict(restricted, new Map(members.map((k) => [k, cells(k)])));
    // Cells the leaf's members cannot take cost nothing in its own programme.
    let beyond = 0;
    restricted.coverable.forEach((one, c) => {
      if (one && !leafProblem.coverable[c]) beyond++;
    });
    const leaf = await solveProgramme(leafProblem, Math.max(0.1, (deadline - performance.now()) / 1000), {
      everyMember: true,
      atLeast: atLeast + restricted.uncoveredCost * beyond,
    });
    const assignment = renumber(leaf.assignment, (at) => members[at] as number);
    // With no such assignment at all (the members cannot all reach the minimum share), there is nothing to find.
    const proved = leaf.optimal || leaf.status === 'infeasible';
    const feasible = evaluate(restricted, matrix, assignment).feasible;
    const objective = feasible ? programmeValue(restricted, assignment) : Number.NEGATIVE_INFINITY;
    return { assignment, objective, optimal: proved };
  };
  const branched = await branchAndBound(
    restricted,
    renumber(known, (k) => position.get(k) ?? -1),
    reduction.prices,
    solveLeaf,
    deadline,
  );
  const assignment = branched.assignment ? renumber(branched.assignment, (at) => kept[at] as number) : known;
  return {
    assignment,
    optimal: branched.optimal,
    status: branched.optimal ? 'optimal' : 'timeLimit',
    bound: branched.optimal ? programmeValue(problem, assignment) : reduction.bound,
    kept: kept.length,
    nodes: branched.nodes,
  };
}

type Solved = Pick<ExactResult, 'assignment' | 'optimal' | 'status' | 'bound'>;

async function solveProgramme(
  problem: Problem,
  timeLimitSeconds: number,
  {
    start,
    everyMember = false,
    atLeast = Number.NEGATIVE_INFINITY,
  }: { start?: Assignment; everyMember?: boolean; atLeast?: number } = {},
): Promise<Solved> {
  const highs = await loadHighs();
  const built = programme(problem, everyMember);
  const { columns, rowLower, rowUpper } = built;
  const starts = new Int32Array(columns.length + 1);
  columns.forEach((column, j) => {
    starts[j + 1] = (starts[j] as number) + column.rows.length;
  });
  const model = highs.createModel({
    numCols: columns.length,
    numRows: rowLower.length,
    sense: highs.constants.objectiveSense.maximize,
    colCost: columns.map((column) => column.cost),
    colLower: columns.map((column) => column.lower),
    colUpper: columns.map(() => 1),
    rowLower,
    rowUpper,
    matrix: {
      format: 'csc',
      numRows: rowLower.length,
      numCols: columns.length,
      starts,
      indices: Int32Array.from(columns.flatMap((column) => column.rows)),
      values: Float64Array.from(columns.flatMap((column) => column.values)),
    },
    integrality: Int32Array.from(columns, (column) => (column.integer ? 1 : 0)),
  });
  try {
    model.options.set({
      output_flag: false,
      time_limit: timeLimitSeconds,
      mip_rel_gap: 0,
      mip_abs_gap: 0.99,
    });
    if (start) model.setSolution({ colValue: startValues(problem, built, start) });
    // Stopped once no solution can reach `atLeast`: the caller needs nothing poorer.
    let outOfReach = false;
    const { modelStatus } = model.run({
      [highs.constants.callbackType.mipInterrupt](event) {
        if ((event.data.mip_dual_bound ?? Number.POSITIVE_INFINITY) >= atLeast) return;
        outOfReach = true;
        event.interrupt();
      },
    });
    const { colValue } = model.getSolution();
    const statuses = highs.constants.modelStatus;
    const status = Object.entries(statuses).find(([, code]) => code === modelStatus)?.[0] ?? String(modelStatus);
    const owner = new Int32Array(problem.cells.length).fill(-1);
    let lead = -1;
    built.yColumns.forEach((ys, k) => {
      (problem.members[k]?.cells ?? []).forEach((c, at) => {
        if ((colValue[ys[at] as number] ?? 0) > 0.5) owner[c] = k;
      });
      const z = built.zColumn[k] as number;
      if (z >= 0 && (colValue[z] ?? 0) > 0.5) lead = k;
    });
    return {
      assignment: { owner, lead },
      optimal: modelStatus === statuses.optimal || outOfReach,
      status: outOfReach ? 'outOfReach' : status,
      bound: Number(model.info.get('mip_dual_bound')),
    };
  } finally {
    model.dispose();
  }
}

/** A known feasible solution (the heuristic's) for HiGHS to start from, so the search begins with an incumbent. */
function startValues(problem: Problem, built: ReturnType<typeof programme>, start: Assignment): Float64Array {
  const values = new Float64Array(built.columns.length);
  const members = new Set<number>();
  built.yColumns.forEach((ys, k) => {
    (problem.members[k]?.cells ?? []).forEach((c, at) => {
      if (start.owner[c] === k) {
        values[ys[at] as number] = 1;
        members.add(k);
      }
    });
  });
  if (start.lead >= 0) {
    members.add(start.lead);
    values[built.zColumn[start.lead] as number] = 1;
  } else values[built.noLeadColumn] = 1;
  for (const k of members) values[built.xColumn[k] as number] = 1;
  built.uColumn.forEach((u, c) => {
    if (u >= 0 && start.owner[c] === -1) values[u] = 1;
  });
  return values;
}
