// What a service call ended with, for assertions: 'resolved', or the code of
// the error it rejected with (errors cross the service boundary as data).

export async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
}
