/**
 * The Kubernetes manifests and the GitHub Actions workflow of docs/distributed.md are parsed and
 * validated: the manifests against the Kubernetes API schemas (kubernetes-models), the workflow
 * with GitHub's own workflow parser and schema (@actions/workflow-parser); the coldbench
 * commands in them against coldbench's own profile and flag parsing.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { parseProfileText } from '../../src/profile/load.js';
import { runModeOf } from '../../src/cli/distribution.js';

const EXAMPLES = resolve(import.meta.dirname, '../../docs/examples');
const read = (name: string): string => readFileSync(join(EXAMPLES, name), 'utf8');

/** Validates a Kubernetes object against its API schema; throws with the schema's complaint. */
function validate(doc: { kind?: string }): void {
  switch (doc.kind) {
    case 'Job':
      new Job(doc as ConstructorParameters<typeof Job>[0]).validate();
      return;
    case 'ConfigMap':
      new ConfigMap(doc as ConstructorParameters<typeof ConfigMap>[0]).validate();
      return;
    case 'PersistentVolumeClaim':
      new PersistentVolumeClaim(doc as ConstructorParameters<typeof PersistentVolumeClaim>[0]).validate();
      return;
    default:
      throw new Error(`no schema for kind ${doc.kind}`);
  }
}

function manifests(name: string): Record<string, any>[] {
  const docs = parseAllDocuments(read(name));
  for (const d of docs) expect(d.errors, name).toEqual([]);
  return docs.map((d) => d.toJS() as Record<string, any>);
}

function workflowErrors(content: string): string[] {
  const parsed = parseWorkflow({ name: 'github-actions-shards.yml', content }, new NoOperationTraceWriter());
  return parsed.context.errors.getErrors().map((e) => e.message);
}

describe('the Kubernetes Indexed Job', () => {
  const docs = manifests('kubernetes-indexed-job.yaml');
  const job = docs.find((d) => d.kind === 'Job')!;

  it('holds against the Kubernetes schemas', () => {
    expect(docs.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'ConfigMap', 'Job']);
    for (const doc of docs) expect(() => validate(doc)).not.toThrow();
    for (const doc of manifests('kubernetes-merge-job.yaml')) expect(() => validate(doc)).not.toThrow();
  });

  it('would be refused by the schemas with a mistake in it (the check is real)', () => {
    expect(() => validate({ ...job, spec: { ...job.spec, completionMode: 'Indexd' } })).toThrow(/completionMode/);
    expect(() => validate({ ...job, spec: { ...job.spec, backoffLimitPerIndex: 'none' } })).toThrow(/backoffLimitPerIndex/);
  });

  it('is an Indexed Job of N shards, none retried, with a start instant passed in', () => {
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', backoffLimitPerIndex: 0 });
    expect(job.spec.parallelism).toBe(job.spec.completions);
    const container = job.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(Number(env.COLDBENCH_SHARD_COUNT)).toBe(job.spec.completions);
    expect(container.args.slice(0, 2)).toEqual(['run', '/profile/profile.yaml']);
    // The command line is one coldbench accepts: each pod is shard JOB_COMPLETION_INDEX + 1 of N.
    const flag = (name: string): string => container.args[container.args.indexOf(name) + 1];
    expect(flag('--start-at')).toBe('$(START_AT)');
    const profile = docs.find((d) => d.kind === 'ConfigMap')!.data['profile.yaml'];
    const loaded = parseProfileText(profile, { file: 'profile.yaml', baseDir: '/' });
    for (let index = 0; index < job.spec.completions; index++) {
      const mode = runModeOf({ shard: flag('--shard'), startAt: '2026-05-01T12:00:00Z' }, { JOB_COMPLETION_INDEX: String(index), COLDBENCH_SHARD_COUNT: env.COLDBENCH_SHARD_COUNT }, 2, loaded.profile);
      expect(mode).toMatchObject({ kind: 'shard', shard: { index: index + 1, count: job.spec.completions } });
    }
  });

  it('keeps the results on the shared volume that the merge Job reads', () => {
    const merge = manifests('kubernetes-merge-job.yaml')[0]!;
    const claim = (j: Record<string, any>): string => j.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
    expect(claim(merge)).toBe(claim(job));
    expect(merge.spec.template.spec.containers[0].args.slice(0, 2)).toEqual(['merge', '/results']);
  });
});

describe('the GitHub Actions matrix workflow', () => {
  const content = read('github-actions-shards.yml');

  it('holds against the workflow schema, and a mistake would not', () => {
    expect(workflowErrors(content)).toEqual([]);
    expect(workflowErrors(content.replace('runs-on: ubuntu-latest\n    outputs', 'runs-onn: ubuntu-latest\n    outputs')).join('\n')).toMatch(/runs-onn/);
  });

  it('plans a start instant, runs one shard per matrix entry with its artifact, then merges', async () => {
    const parsed = parseWorkflow({ name: 'github-actions-shards.yml', content }, new NoOperationTraceWriter());
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    const jobs = Object.fromEntries(template.jobs.map((j: any) => [j.id.value, j]));
    expect(Object.keys(jobs)).toEqual(['plan', 'shard', 'merge']);
    expect(jobs.shard.needs.map((n: any) => n.value)).toEqual(['plan']);
    expect(jobs.merge.needs.map((n: any) => n.value)).toEqual(['shard']);
    expect(jobs.shard.strategy).toBeDefined();
    const yaml = parseAllDocuments(content)[0]!.toJS() as Record<string, any>;
    const shardSteps: any[] = yaml.jobs.shard.steps;
    expect(shardSteps.find((s) => typeof s.run === 'string' && s.run.includes('coldbench run'))?.run).toMatch(/--shard \$\{\{ matrix\.shard \}\}\/.* --start-at \$\{\{ needs\.plan\.outputs\.start-at \}\}/);
    expect(shardSteps.find((s) => s.uses === 'actions/upload-artifact@v4')?.with.name).toBe('coldbench-shard-${{ matrix.shard }}');
    expect(yaml.jobs.merge.steps.some((s: any) => typeof s.run === 'string' && s.run.startsWith('npx coldbench merge shards --out'))).toBe(true);
  });
});
