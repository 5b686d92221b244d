// The ICTSC scenario folder as the engine's ScenarioFiles (as the CLI reads a folder).
import { folderFiles } from '../../cli/scenario-files.js';

export const ICTSC_DIR = 'topologies/ictsc2020-nodeport-source-ip';
export const ictscFiles = folderFiles(ICTSC_DIR);
