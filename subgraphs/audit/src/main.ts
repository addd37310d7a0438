import { runSubgraphMain } from '@mission-graph/service-kit';
import { createService } from './service.js';

runSubgraphMain(4005, createService);
