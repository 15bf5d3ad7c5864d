// Storybook for the elements: web components on Vite, the a11y addon (axe per story), autodocs from JSDoc through
// the custom-elements manifest (preview.ts). Telemetry is off (it also waits on the network).
import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  // Element stories (autodocs: one docs page per element) and the MDX guides (framework usage).
  stories: ['../stories/**/*.stories.@(ts|js)', '../stories/**/*.mdx'],
  addons: ['@storybook/addon-a11y', '@storybook/addon-docs'],
  framework: {
    name: '@storybook/web-components-vite',
    // The project's vite.config.ts is a library build; stories use their own small config.
    options: { builder: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Storybook's own manager/preview bundles (axe included) are large by nature; that is not our bundle size.
  viteFinal: (config) => ({ ...config, build: { ...config.build, chunkSizeWarningLimit: 2000 } }),
};

export default config;
