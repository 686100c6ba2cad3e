// Renderer entry: mounts the Svelte app into #app. The page runs sandboxed with no Node; the
// only way out is `window.lakehouse`, which the preload exposes.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element to mount the app into');

export default mount(App, { target });
