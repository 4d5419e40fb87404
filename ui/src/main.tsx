import React from "react";
import ReactDOM from "react-dom/client";
import { App } from "./App";
import "./styles.css";

// No link ever leads the window away from Patchdesk: a pod's web links open in the browser
// (see Markdown.tsx) and every other click on a link does nothing here. The backend refuses
// any navigation away from the app too (src-tauri/src/navigation.rs).
for (const kind of ["click", "auxclick"]) {
  document.addEventListener(kind, (e) => {
    if ((e.target as Element | null)?.closest?.("a[href]")) e.preventDefault();
  }, true);
}

ReactDOM.createRoot(document.getElementById("root") as HTMLElement).render(
  <React.StrictMode>
    <App />
  </React.StrictMode>,
);
