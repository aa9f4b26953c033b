// Starts the app: a file of its own, not an inline script, so that the page's content
// security policy allows no inline script at all. Template: `cargo xtask build-web`
// fills the double-brace placeholders and writes dist/boot.js.
import init from "{{JS_HREF}}";

init({ module_or_path: "{{WASM_HREF}}" });
// The app shell opens offline after one visit (dist/sw.js).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("service worker:", e));
}
