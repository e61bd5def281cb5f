import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the graph area; add new ones here (never rename or reuse one). */
export const GRAPH_CODES = {
  // dep-graph (st3 graph, st3 waves, st3 validate-plan)
  E_GRAPH_INPUT: {
    exit: 2,
    area: 'graph',
    cause:
      'An input to `st3 graph`/`waves`/`validate-plan` is neither atomizer output (`{files: [...]}`) nor a graph (`{nodes, edges}`), or no input was given.',
    fix: 'Pass `st3 atomize --json` output, a `{nodes: [{id}], edges: [{from, to}]}` graph, or source paths.',
  },
  E_GRAPH_UNKNOWN_NODE: {
    exit: 1,
    area: 'graph',
    cause: "An edge (or an atom's `dependsOn`) names a node id that no node has.",
    fix: 'Add the node to `nodes`, or correct the id at the reported line.',
  },
  E_GRAPH_DUPLICATE_NODE: {
    exit: 1,
    area: 'graph',
    cause: 'Two nodes (or atoms) share one id.',
    fix: 'Give every node a unique id; atom ids are path + line range + content hash, so re-run the atomizer.',
  },
  E_GRAPH_INPUT_CHANGED: {
    exit: 3,
    area: 'graph',
    cause:
      'A graph.json changed while `st3 graph`/`waves` was reading it (the fast loader streams the file and reads it again to rebuild an edge or node object).',
    fix: 'Run the command again once the file is no longer being written.',
  },
  E_GRAPH_NO_ATOMIZER: {
    exit: 3,
    area: 'graph',
    cause: 'Source paths were given but the atomizer could not be loaded to turn them into atoms.',
    fix: 'Install @st3/atomizer, or pass `st3 atomize --json` output instead of source paths.',
  },
  E_GRAPH_PLAN_INVALID: {
    exit: 1,
    area: 'graph',
    cause: '`st3 validate-plan` found error-level issues at one of its four levels (atom, task, milestone, plan).',
    fix: 'Fix the issues listed (each names its check, file and line), or register a replacement check if a rule does not fit the project.',
  },
  E_GRAPH_OPTIONS: {
    exit: 2,
    area: 'graph',
    cause:
      'A graph option is out of range (a width limit below 1, an unknown export format, a check id that does not exist).',
    fix: 'Use --width ≥ 1, --format json|dot|mermaid, and check ids listed by `st3 validate-plan --list-checks`.',
  },
  // executor (st3 execute, st3 review)
  E_EXEC_GRAPH_INVALID: {
    exit: 2,
    area: 'executor',
    cause:
      'The graph given to `st3 execute` cannot be run: duplicate node ids, an edge naming an unknown node, or a dependency cycle.',
    fix: 'Fix the graph, or run `st3 graph` first: its output breaks cycles (edges in `removedEdges` are ignored by execute).',
  },
  E_EXEC_COMMAND: {
    exit: 2,
    area: 'executor',
    cause: 'The `--run` command template is empty or has an unbalanced quote.',
    fix: 'Pass a command such as `--run "python3 check.py {file} {start} {end}"`; placeholders are {id} {file} {start} {end} {attempt} {temperature}.',
  },
  E_RUN_NOT_FOUND: {
    exit: 2,
    area: 'executor',
    cause: 'No saved run state `.st3/runs/<id>.json` exists for the id given to `--resume`.',
    fix: 'List saved runs with `ls .st3/runs` and pass one of their ids.',
  },
  E_RUN_MISMATCH: {
    exit: 2,
    area: 'executor',
    cause: 'A run was resumed with a graph different from the one it started with.',
    fix: 'Resume without graph arguments (the saved run keeps its graph), or start a new run.',
  },
  E_REVIEW_NOT_FOUND: {
    exit: 2,
    area: 'executor',
    cause: 'No review item has the id given.',
    fix: 'Run `st3 review list` to see the ids.',
  },
  E_REVIEW_TRANSITION: {
    exit: 2,
    area: 'executor',
    cause:
      "A review action is not allowed from the item's current status (statuses move pending → in_review → approved | rejected | needs_regeneration).",
    fix: 'Assign the item first (`st3 review assign <id> --reviewer NAME`), or check its status with `st3 review show <id>`.',
  },
  E_REVIEW_FEEDBACK_REQUIRED: {
    exit: 2,
    area: 'executor',
    cause: 'Rejecting or asking to regenerate an item needs feedback text.',
    fix: 'Pass --feedback "what is wrong".',
  },
  E_REVIEW_INVALID_EDIT: {
    exit: 1,
    area: 'executor',
    cause:
      'The edited code of a review item is empty, does not parse, or fails validation (e.g. it breaks the files importing it); the edit was not saved.',
    fix: 'Fix what the message lists (syntax errors, broken callers) and submit the edit again; reject the item to drop the change.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
