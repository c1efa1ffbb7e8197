import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../errors';
import { givenEpoch, lastCommitEpoch, mayBeInGit, sourceDateEpoch } from './epoch';

describe('SOURCE_DATE_EPOCH', () => {
  it('takes the explicit value over the env var, and rejects a non-number at once (no promise to await)', () => {
    expect(givenEpoch('5', { SOURCE_DATE_EPOCH: '7' })).toBe(5);
    expect(givenEpoch(undefined, { SOURCE_DATE_EPOCH: '7' })).toBe(7);
    expect(givenEpoch(undefined, { SOURCE_DATE_EPOCH: '' })).toBeUndefined();
    expect(() => sourceDateEpoch('/nonexistent', '1.5', {})).toThrow(UsageError);
  });

  it('is the last commit touching the project directory, not the enclosing repository', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-epoch-'));
    const git = (args: string[], date: string) =>
      execFileSync('git', args, {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    git(['init', '-q'], '@1000000000 +0000');
    fs.mkdirSync(path.join(repo, 'proj'));
    fs.writeFileSync(path.join(repo, 'proj', 'a'), 'a');
    git(['add', '.'], '@1000000000 +0000');
    git(['commit', '-qm', 'proj'], '@1000000000 +0000');
    fs.writeFileSync(path.join(repo, 'other'), 'b');
    git(['add', '.'], '@1100000000 +0000');
    git(['commit', '-qm', 'other'], '@1100000000 +0000');
    await expect(sourceDateEpoch(path.join(repo, 'proj'), undefined, {})).resolves.toBe(1000000000);
    await expect(lastCommitEpoch(repo)).resolves.toBe(1100000000);
    expect(mayBeInGit(path.join(repo, 'proj', 'missing', 'deeper'), {})).toBe(true);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('is 0 outside git or for a missing directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-epoch-nogit-'));
    await expect(lastCommitEpoch(dir)).resolves.toBe(0);
    await expect(lastCommitEpoch(path.join(dir, 'missing'))).resolves.toBe(0);
    expect(mayBeInGit(dir, {})).toBe(false);
    expect(mayBeInGit(dir, { GIT_DIR: '/elsewhere/.git' })).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
