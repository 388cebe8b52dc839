/**
 * Fargate's task sizes: task-level CPU units → the memory values (MiB) Fargate accepts with them
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size;
 * also the `cpu` member of https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
 * A definition whose size is not in the table is not Fargate-compatible: RegisterTaskDefinition
 * refuses it when it requires FARGATE, and leaves FARGATE out of `compatibilities` otherwise.
 * Read from AWS's table independently of the manifest rules' copy, so the differential test
 * compares two readings of it.
 */
import type { JsonObject } from '../json.js';

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, steps(1024, 4096, 1024)],
  [1024, steps(2048, 8192, 1024)],
  [2048, steps(4096, 16384, 1024)],
  [4096, steps(8192, 30720, 1024)],
  [8192, steps(16384, 61440, 4096)],
  [16384, steps(32768, 122880, 8192)],
]);

/** CPU units from `"1024"` or `"1 vCPU"`, memory MiB from `"2048"` or `"2 GB"`; undefined when unreadable. */
function units(value: unknown, unit: RegExp): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (m?.[1] === undefined) return undefined;
  if (m[2] === '') return Number(m[1]);
  return unit.test(m[2] ?? '') ? Math.round(Number(m[1]) * 1024) : undefined;
}

/** Why a task definition body cannot run on Fargate, or undefined when it can. */
export function fargateIncompatibility(body: JsonObject): string | undefined {
  if (body.networkMode !== 'awsvpc') return "Fargate only supports network mode 'awsvpc'.";
  if (body.cpu === undefined) return "Fargate requires that 'cpu' be defined at the task level.";
  if (body.memory === undefined) return "Fargate requires that 'memory' be defined at the task level.";
  const cpu = units(body.cpu, /^vcpu$/i);
  const memory = units(body.memory, /^gb$/i);
  const allowed = cpu === undefined ? undefined : SIZES.get(cpu);
  if (allowed === undefined || memory === undefined || !allowed.includes(memory)) {
    return `No Fargate configuration exists for given values: ${String(body.cpu)} CPU, ${String(body.memory)} memory. See the Amazon ECS documentation for the valid values.`;
  }
  return undefined;
}
