/** Fine-tuning on the person's samples: replay set, recipe, the job in a worker thread, the app's service. */
export * from './recipe.ts';
export * from './replay.ts';
export * from './personal-data.ts';
export * from './fine-tune.ts';
export * from './job.ts';
export * from './service.ts';
export * from './anchor.ts';
export * from './prototypes.ts';
export * from './distill.ts';
