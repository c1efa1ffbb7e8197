import { demux } from './containers';
import { validationProblems } from './model-http';
import { lastException, readableLog } from './run';

describe('what the model says, made readable', () => {
  it("demuxes Docker's log stream, and passes a TTY stream through", () => {
    const frame = (stream: number, s: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0, 0, 0, 0, s.length]), Buffer.from(s)]);
    expect(demux(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
    expect(demux(Buffer.from('plain\n'))).toBe('plain\n');
  });

  it("shows cog's JSON log lines by severity and message, and finds the last exception line", () => {
    expect(readableLog('{"logger": "x", "severity": "ERROR", "message": "setup failed"}')).toBe('ERROR setup failed');
    expect(readableLog('  File "/src/predict.py", line 9')).toBe('  File "/src/predict.py", line 9');
    expect(lastException(['Traceback (most recent call last):', '  raise RuntimeError("x")', 'RuntimeError: x', 'INFO setup failed'])).toBe('RuntimeError: x');
    expect(lastException(['cog.server.exceptions.FatalWorkerException: boom'])).toBe('cog.server.exceptions.FatalWorkerException: boom');
  });

  it('names the field and the reason of a 422', () => {
    expect(
      validationProblems({
        detail: [
          { loc: ['body', 'input', 'text'], msg: 'field required' },
          { loc: ['body', 'input', 'n'], msg: 'value is not a valid integer' },
        ],
      }),
    ).toEqual(['text: field required', 'n: value is not a valid integer']);
    expect(validationProblems({ detail: 'bad' })).toEqual(['bad']);
  });
});
