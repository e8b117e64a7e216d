import { createStore } from "./store.ts";

export type QueryLanguage = "eql" | "spl";
export type Theme = "dark" | "light";

export interface Settings {
  lang: QueryLanguage;
  theme: Theme;
  /** IANA zone for displayed times. */
  timeZone: string;
}

/** App-wide settings; the language and time zone also go into the share URL. */
export const settings = createStore<Settings>({ lang: "eql", theme: "dark", timeZone: "UTC" });

/** Applies the theme to the document root (CSS variables switch on it). */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}
