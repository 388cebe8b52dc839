import {
  CreateHttpNamespaceCommand,
  CreatePrivateDnsNamespaceCommand,
  DeleteNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateHttpNamespaceCommand,
  UpdatePrivateDnsNamespaceCommand,
  GetNamespaceCommand,
  type ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import type { CloudMapPort, LiveNamespace, NamespaceChange, NamespaceCreation, NamespaceOperation, TagMap } from '../reconcile/ports.js';
import { awsCall } from './errors.js';
import { NO_PACING, type Pacer } from './pacing.js';
import { cloudMapTagsToMap, mapToCloudMapTags } from './json.js';

const OPERATION_STATUSES = new Set(['SUBMITTED', 'PENDING', 'SUCCESS', 'FAIL']);

/** The Cloud Map adapter over the SDK client. */
export class SdkCloudMap implements CloudMapPort {
  constructor(
    private readonly client: ServiceDiscoveryClient,
    private readonly pacer: Pacer = NO_PACING,
  ) {}

  /** Waits for the pacer's token, then makes the call (the wait is not part of the call's duration). */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    await this.pacer.acquire(operation);
    return awsCall(operation, send);
  }

  /**
   * The account's own namespaces. ListNamespaces also returns namespaces other accounts share with
   * this one; those are left out (filter RESOURCE_OWNER = SELF,
   * https://docs.aws.amazon.com/cloud-map/latest/api/API_NamespaceFilter.html): a name refers to the
   * account's own namespace, and a shared one can be used by ARN but never changed, tagged, read
   * for tags or deleted by this account. Cloud Map filters after paging, so a page may be empty
   * and still have a NextToken.
   */
  async listNamespaces(): Promise<LiveNamespace[]> {
    const out: LiveNamespace[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      // 100 per page is the maximum: https://docs.aws.amazon.com/cloud-map/latest/api/API_ListNamespaces.html
      const res = await this.call('servicediscovery:ListNamespaces', () =>
        this.client.send(new ListNamespacesCommand({ MaxResults: 100, Filters: [{ Name: 'RESOURCE_OWNER', Values: ['SELF'], Condition: 'EQ' }], ...(token ? { NextToken: token } : {}) })),
      );
      for (const n of res.Namespaces ?? []) {
        out.push({
          id: n.Id ?? '',
          arn: n.Arn ?? '',
          name: n.Name ?? '',
          type: n.Type ?? '',
          ...(n.Description !== undefined ? { description: n.Description } : {}),
          ...(n.ServiceCount !== undefined ? { serviceCount: n.ServiceCount } : {}),
          // https://docs.aws.amazon.com/cloud-map/latest/api/API_NamespaceSummary.html (Properties.DnsProperties.SOA)
          ...(n.Properties?.DnsProperties?.SOA?.TTL !== undefined ? { soaTtl: n.Properties.DnsProperties.SOA.TTL } : {}),
        });
      }
      nextToken = res.NextToken;
    } while (nextToken);
    return out;
  }

  async listTags(arn: string): Promise<TagMap> {
    const res = await this.call('servicediscovery:ListTagsForResource', () =>
      this.client.send(new ListTagsForResourceCommand({ ResourceARN: arn })),
    );
    return cloudMapTagsToMap(res.Tags);
  }

  async createNamespace(input: NamespaceCreation): Promise<string> {
    const common = {
      Name: input.name,
      CreatorRequestId: input.creatorRequestId,
      Tags: mapToCloudMapTags(input.tags),
      ...(input.description !== undefined ? { Description: input.description } : {}),
    };
    if (input.type === 'DNS_PRIVATE') {
      const res = await this.call('servicediscovery:CreatePrivateDnsNamespace', () =>
        this.client.send(
          new CreatePrivateDnsNamespaceCommand({
            ...common,
            Vpc: input.vpc ?? '',
            ...(input.soaTtl !== undefined ? { Properties: { DnsProperties: { SOA: { TTL: input.soaTtl } } } } : {}),
          }),
        ),
      );
      return res.OperationId ?? '';
    }
    const res = await this.call('servicediscovery:CreateHttpNamespace', () =>
      this.client.send(new CreateHttpNamespaceCommand(common)),
    );
    return res.OperationId ?? '';
  }

  async updateNamespace(id: string, type: 'HTTP' | 'DNS_PRIVATE', change: NamespaceChange, updaterRequestId: string): Promise<string> {
    if (type === 'HTTP') {
      // An HTTP namespace has a description and nothing else to change: https://docs.aws.amazon.com/cloud-map/latest/api/API_HttpNamespaceChange.html
      const res = await this.call('servicediscovery:UpdateHttpNamespace', () =>
        this.client.send(new UpdateHttpNamespaceCommand({ Id: id, UpdaterRequestId: updaterRequestId, Namespace: { Description: change.description ?? '' } })),
      );
      return res.OperationId ?? '';
    }
    // https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdatePrivateDnsNamespace.html
    const res = await this.call('servicediscovery:UpdatePrivateDnsNamespace', () =>
      this.client.send(
        new UpdatePrivateDnsNamespaceCommand({
          Id: id,
          UpdaterRequestId: updaterRequestId,
          Namespace: {
            ...(change.description !== undefined ? { Description: change.description } : {}),
            ...(change.soaTtl !== undefined ? { Properties: { DnsProperties: { SOA: { TTL: change.soaTtl } } } } : {}),
          },
        }),
      ),
    );
    return res.OperationId ?? '';
  }

  async namespaceCreatorRequestId(id: string): Promise<string | undefined> {
    const res = await this.call('servicediscovery:GetNamespace', () => this.client.send(new GetNamespaceCommand({ Id: id })));
    return res.Namespace?.CreatorRequestId;
  }

  async deleteNamespace(id: string): Promise<string> {
    const res = await this.call('servicediscovery:DeleteNamespace', () => this.client.send(new DeleteNamespaceCommand({ Id: id })));
    return res.OperationId ?? '';
  }

  async getOperation(operationId: string): Promise<NamespaceOperation> {
    const res = await this.call('servicediscovery:GetOperation', () =>
      this.client.send(new GetOperationCommand({ OperationId: operationId })),
    );
    const op = res.Operation ?? {};
    const status = OPERATION_STATUSES.has(op.Status ?? '') ? (op.Status as NamespaceOperation['status']) : 'PENDING';
    const namespaceId = op.Targets?.NAMESPACE;
    return {
      id: op.Id ?? operationId,
      status,
      ...(op.ErrorCode ? { errorCode: op.ErrorCode } : {}),
      ...(op.ErrorMessage ? { errorMessage: op.ErrorMessage } : {}),
      ...(namespaceId ? { namespaceId } : {}),
    };
  }

  async tagResource(arn: string, tags: TagMap): Promise<void> {
    await this.call('servicediscovery:TagResource', () =>
      this.client.send(new TagResourceCommand({ ResourceARN: arn, Tags: mapToCloudMapTags(tags) })),
    );
  }

  async untagResource(arn: string, keys: readonly string[]): Promise<void> {
    await this.call('servicediscovery:UntagResource', () =>
      this.client.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: [...keys] })),
    );
  }
}
