/**
 * The base image for the resolved target, from planner/data/base-images.json: python:<X.Y>-slim on CPU,
 * nvidia/cuda:<tag> on GPU, passed through the image map, with what the image already provides.
 */
import type { BaseImages, CudaRow } from '../data';
import { applyImageMap } from '../image-map';
import type { Resolution } from './types';

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);
}

function fillAll(record: Record<string, string>, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fill(v, values)]));
}

export function cpuBaseImage(data: BaseImages, python: string, imageMap: Record<string, string>): Resolution['baseImage'] {
  const ref = applyImageMap(`${data.cpu.repository}:${fill(data.cpu.tag, { python })}`, imageMap);
  return { build: ref, runtime: ref, packages: fillAll(data.cpu.provides, { python }) };
}

export function gpuBaseImage(data: BaseImages, row: CudaRow, imageMap: Record<string, string>): Resolution['baseImage'] {
  const ref = applyImageMap(`${data.gpu.repository}:${row.Tag}`, imageMap);
  const packages = fillAll(data.gpu.provides, { cuda: row.CUDA, cudnn: row.CuDNN, ubuntu: row.Ubuntu });
  return { build: ref, runtime: ref, packages };
}
