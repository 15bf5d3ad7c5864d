import { createApp } from 'vue';
import { loadConfig } from '../../shared/api.ts';
import App from './App.vue';

const config = await loadConfig();
createApp(App, { config }).mount('#app');
