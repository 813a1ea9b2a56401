"""`python -m pmqa_site.s3_bucket`: make sure the bucket named by AWS_STORAGE_BUCKET_NAME exists
on the S3-compatible store at AWS_S3_ENDPOINT_URL (exit 1 while the store does not answer).
Used by scripts/stack.sh while the object store starts."""

import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("AWS_S3_REGION_NAME") or "us-east-1",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(
            s3={"addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE", "path")}, retries={"max_attempts": 1}
        ),
    )


def main() -> int:
    bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
    s3 = client()
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        try:
            s3.create_bucket(Bucket=bucket)
        except (ClientError, BotoCoreError) as exc:
            print(f"cannot create bucket {bucket}: {exc}", file=sys.stderr)
            return 1
    except BotoCoreError as exc:
        print(f"object store not answering: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
