/**
 * The state tables as the engine's modules have always named them; they
 * live in the leaf module src/states.ts, which every layer may import.
 *
 * Python counterpart: supervisor/states.py.
 * @module
 */

export * from "../states.ts";
