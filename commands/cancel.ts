import { operationCommand } from './command.ts';

export default operationCommand('cancel', { en: 'Stop the running request', zh: '停止当前请求' }, 'cancel');
