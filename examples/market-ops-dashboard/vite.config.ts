/**
 * Vite for the dashboard: SvelteKit (its configuration is given to its plugin: SvelteKit 3 reads no
 * svelte.config.js), Tailwind CSS, and a proxy of `/graphql` to the reference
 * server (`WM_API_URL`, default `http://127.0.0.1:4000`) in `vite dev` and `vite preview`, so the
 * app and the API share one origin (no CORS, no token in a URL).
 */
import adapter from "@sveltejs/adapter-static"
import { sveltekit } from "@sveltejs/kit/vite"
import tailwindcss from "@tailwindcss/vite"
import { defineConfig } from "vite"

const api = process.env.WM_API_URL ?? "http://127.0.0.1:4000"
const proxy = { "/graphql": { target: api, changeOrigin: false } }

export default defineConfig({
  plugins: [
    tailwindcss(),
    // A single-page app: the browser talks to the API with the signed-in user's token, so nothing is
    // rendered on a server (ssr = false in the root layout) and the build is static files, with
    // index.html answering every route.
    sveltekit({ adapter: adapter({ fallback: "index.html", strict: true }), compilerOptions: { runes: true } })
  ],
  server: { host: "127.0.0.1", port: 5173, proxy },
  preview: { host: "127.0.0.1", port: 4173, proxy },
  build: { chunkSizeWarningLimit: 4000 }
})
