import { DevServerHandle, start } from '../../infra/temporal-dev-server';

/**
 * Time skipping jumps the clock only when nothing is pending. A step the engine defers to the next
 * turn (a child's start, an external signal's delivery) is pending work: a skip check that happens
 * to run before it must not jump the clock past timers the step's outcome may still need.
 */
describe('time skipping and deferred engine steps', () => {
  let server: DevServerHandle;
  beforeAll(async () => {
    server = await start({ port: 0, timeSkipping: true });
  });
  afterAll(() => server?.stop());

  it('does not skip time while a deferred step has not run yet', async () => {
    const { engine } = server;
    const dayLater = engine.clock.now() + 86_400_000;
    let fired = false;
    engine.clock.schedule(dayLater, () => (fired = true));
    engine.timeSkipping.unlock();
    // A skip check already pending when a request defers a step: it runs first.
    engine.timeSkipping.scheduleSkipCheck();
    let sawClock: number | undefined;
    engine.later(() => (sawClock = engine.clock.now()));
    while (!fired) await new Promise((r) => setTimeout(r, 5));
    expect(sawClock).toBeDefined();
    expect(sawClock!).toBeLessThan(dayLater);
    engine.timeSkipping.lock();
  });
});
