/**
 * Runs `action` and returns the error it threw, checked to be a `type`; fails the test when
 * it throws nothing or something else. For asserting on an error's fields, not just its message.
 */
export function caught<E extends Error>(action: () => unknown, type: new (...args: never[]) => E): E {
  try {
    action();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
