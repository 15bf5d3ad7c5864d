import { mount } from 'svelte';
import { loadConfig } from '../../shared/api.ts';
import App from './App.svelte';

const config = await loadConfig();
mount(App, { target: document.getElementById('app')!, props: { config } });
