import { operationCommand } from './command.ts';

export default operationCommand(
  'export',
  { en: 'Render the video and send the MP4', zh: '渲染视频并发送 MP4' },
  'exportVideo',
);
