import { runServiceMain } from '@mission-graph/service-kit';
import { startGateway } from './start.js';

runServiceMain('gateway', (running) => startGateway(running));
