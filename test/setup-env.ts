// Tests never reach real AWS: no instance-metadata lookups, fixed fake credentials and region.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = process.env.AWS_ACCESS_KEY_ID ?? 'AKIDTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY = process.env.AWS_SECRET_ACCESS_KEY ?? 'test-secret';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
