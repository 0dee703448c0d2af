import { type Content, text } from '../../core/content.js';
import { type GraphState, LONGER_PATH_SCORE } from './tasks.js';

/**
 * The task observation of an episode: a line about the graph, then what to find and how to
 * answer. The graph itself is never shown; the tools reveal it piece by piece.
 */
export function renderTask(state: GraphState): Content {
  const graph = state.graph;
  const task = state.task;
  const id = (index: number): string => graph.node(index).id;
  const percent = Math.round(state.visibleFraction * 100);
  const lines = [`Graph "${graph.name}": ${graph.size} nodes, ${graph.edgeCount} edges. Node ids look like "${graph.nodes[0]?.id ?? ''}".`];
  if (graph.classes.length > 0) {
    lines.push(
      `Classes: ${graph.classes.join(', ')}. get_node shows the class of about ${percent}% of the nodes; for the others it says "not visible".`,
    );
  }
  if (task.kind === 'classification') {
    lines.push(
      `Task (node classification): what is the class of node ${id(task.target)}? Its class is hidden.`,
      'Answer with the class name only, one of the classes listed above.',
    );
  } else if (task.kind === 'path') {
    lines.push(
      `Task (path finding): find a path from node ${id(task.source)} to node ${id(task.target)} along edges.`,
      `Answer with the node ids in order, separated by " > ", starting with ${id(task.source)} and ending with ${id(task.target)}, e.g. "${id(task.source)} > … > ${id(task.target)}".`,
      `A shortest path scores 1, a longer valid path ${LONGER_PATH_SCORE}, anything else 0.`,
    );
  } else {
    lines.push(
      `Task (link prediction): is there an edge between node ${id(task.source)} and node ${id(task.target)}?`,
      'If there is, that edge has been hidden from the tools, so decide from the neighbourhoods of the two nodes. Answer "yes" or "no".',
    );
  }
  return [text(lines.join('\n'))];
}
