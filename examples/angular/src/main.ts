import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { loadConfig } from '../../shared/api.ts';
import { AppComponent, EXAMPLE_CONFIG } from './app/app.component.ts';

const config = await loadConfig();
await bootstrapApplication(AppComponent, {
  providers: [provideZonelessChangeDetection(), { provide: EXAMPLE_CONFIG, useValue: config }],
});
