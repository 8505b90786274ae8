import { operationCommand } from './command.ts';

export default operationCommand('new', { en: 'Start a new project', zh: '新建项目' }, 'newProject');
