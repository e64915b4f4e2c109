import { createApp } from 'vue';
import 'convot/convot-widget.js'; // registers <convot-widget>
import App from './App.vue';

createApp(App).mount('#root');
