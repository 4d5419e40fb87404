// A file's text, imported with `?raw` (Vite and Vitest read it as a string).
declare module "*?raw" {
  const text: string;
  export default text;
}
