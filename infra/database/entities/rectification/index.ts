export { RectificationCase } from './rectification-case.entity';
export { RectificationEvent } from './rectification-event.entity';
