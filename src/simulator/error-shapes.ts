import type { ServiceKey } from './errors.js';

/** One error shape of a service's model: the HTTP status AWS answers it with, and its members besides the message. */
export interface ErrorShape {
  status: number;
  members?: readonly string[];
}

const client: ErrorShape = { status: 400 };
const server: ErrorShape = { status: 500 };

/**
 * The error shapes each simulated service's model declares (botocore `ecs/2014-11-13`,
 * `servicediscovery/2017-03-14` and `logs/2014-03-28` `service-2.json`; the AWS SDK v3 schemas carry
 * the same traits). The status is the shape's `httpError` where the model gives one, else 400 for a
 * client fault and 500 for a server fault. An error type not listed here (a common error such as
 * `ThrottlingException`) falls back to `defaultStatusFor`.
 */
const modelled: Record<ServiceKey, Record<string, ErrorShape>> = {
  ecs: {
    AccessDeniedException: { status: 403 },
    AttributeLimitExceededException: client,
    BlockedException: client,
    ClientException: client,
    ClusterContainsCapacityProviderException: client,
    ClusterContainsContainerInstancesException: client,
    ClusterContainsServicesException: client,
    ClusterContainsTasksException: client,
    ClusterNotFoundException: client,
    ConflictException: { status: 400, members: ['resourceIds'] },
    InvalidParameterException: client,
    LimitExceededException: client,
    MissingVersionException: client,
    NamespaceNotFoundException: client,
    NoUpdateAvailableException: client,
    PlatformTaskDefinitionIncompatibilityException: client,
    PlatformUnknownException: client,
    ResourceInUseException: client,
    ResourceNotFoundException: client,
    ServerException: server,
    ServiceDeploymentNotFoundException: client,
    ServiceNotActiveException: client,
    ServiceNotFoundException: client,
    TargetNotConnectedException: client,
    TargetNotFoundException: client,
    TaskSetNotFoundException: client,
    UnsupportedFeatureException: client,
    UpdateInProgressException: client,
  },
  cloudmap: {
    CustomHealthNotFound: { status: 404 },
    DuplicateRequest: { status: 409, members: ['DuplicateOperationId'] },
    InstanceNotFound: { status: 404 },
    InvalidInput: client,
    NamespaceAlreadyExists: { status: 400, members: ['CreatorRequestId', 'NamespaceId'] },
    NamespaceNotFound: { status: 404 },
    OperationNotFound: { status: 404 },
    RequestLimitExceeded: { status: 429 },
    ResourceInUse: { status: 409 },
    ResourceLimitExceeded: client,
    ResourceNotFoundException: { status: 404 },
    ServiceAlreadyExists: { status: 400, members: ['CreatorRequestId', 'ServiceId', 'ServiceArn'] },
    ServiceAttributesLimitExceededException: client,
    ServiceNotFound: { status: 404 },
    TooManyTagsException: { status: 400, members: ['ResourceName'] },
  },
  logs: {
    AccessDeniedException: client,
    ConflictException: client,
    DataAlreadyAcceptedException: { status: 400, members: ['expectedSequenceToken'] },
    InternalServerException: server,
    InvalidOperationException: client,
    InvalidParameterException: client,
    InvalidSequenceTokenException: { status: 400, members: ['expectedSequenceToken'] },
    LimitExceededException: client,
    MalformedQueryException: { status: 400, members: ['queryCompileError'] },
    OperationAbortedException: client,
    ResourceAlreadyExistsException: client,
    ResourceNotFoundException: client,
    ServiceQuotaExceededException: client,
    ServiceUnavailableException: { status: 503 },
    ThrottlingException: client,
    TooManyTagsException: { status: 400, members: ['resourceName'] },
    UnrecognizedClientException: client,
    ValidationException: client,
  },
  // S3 errors carry their status where they are raised (src/simulator/s3).
  s3: {},
  // EventBridge PutEvents declares only InternalException (botocore `events/2015-10-07`); its
  // validation errors are the common ValidationException.
  events: { InternalException: server },
};

/** The shape `type` has in `service`'s model, if the model declares it. */
export function modelledError(service: ServiceKey, type: string): ErrorShape | undefined {
  return modelled[service][type];
}
