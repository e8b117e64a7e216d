import { topLike } from "../top/index.ts";

/** `rare`: least common values. */
export const rare = topLike("rare");
