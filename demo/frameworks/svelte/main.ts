import { mount } from 'svelte';
import 'convot/convot-widget.js'; // registers <convot-widget>
import App from './App.svelte';

mount(App, { target: document.getElementById('root')! });
