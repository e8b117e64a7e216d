/** The EQL front end: parse, lower to the plan, print, edit, complete. */
export { parseEql, parseEqlExpression, MAX_DEPTH as EQL_MAX_DEPTH } from "./parser.ts";
export { lowerEql, lowerEqlExpression } from "./lower.ts";
export type { LowerOptions as EqlLowerOptions } from "./lower.ts";
export { printEql, printEqlExpression } from "./print.ts";
export { appendWhere, appendCondition, appendPipe, conditionNode, fieldNode, literalNode, removePipes, setCategory, setHead, setJoinKeys } from "./edit.ts";
export type { EditOp as EqlEditOp } from "./edit.ts";
export { eqlCompletionContext } from "./completion.ts";
export type { EqlCompletionContext, EqlCompletionKind } from "./completion.ts";
export { eqlFunction, eqlFunctionNames } from "./functions.ts";
export type { EqlFunctionInfo } from "./functions.ts";
export { walkEql, visitEql, childrenOf as eqlChildren } from "./walk.ts";
export type { EqlVisitor } from "./walk.ts";
export { eqlFieldRefs, unknownEqlFields } from "./fields.ts";
export { eqlHoverAt, EQL_PIPES } from "./hover.ts";
export type { EqlHover } from "./hover.ts";
export type { EqlFieldRef } from "./fields.ts";
export { compileEql } from "./compile.ts";
export type * from "./ast.ts";
