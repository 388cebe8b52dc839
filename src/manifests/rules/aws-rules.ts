/**
 * The AWS rules `validate` enforces, each in AWS's own words with the page that states it, so a
 * problem can quote the rule and link it. Only the documented constraint lives here; the checks
 * that apply them are in the sibling modules.
 */

/** A constraint AWS documents: its text and the page it comes from. */
export interface AwsRule {
  /** AWS's words (documentation or error message), or a summary when `paraphrased`. */
  quote: string;
  url: string;
  /** The page implies the constraint without stating it in one sentence: the text is ours. */
  paraphrased?: true;
}

const ECS = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/';
const CLOUD_MAP = 'https://docs.aws.amazon.com/cloud-map/latest/api/';
const ECS_GUIDE = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/';

const rule = (quote: string, url: string): AwsRule => ({ quote, url });
const paraphrase = (text: string, url: string): AwsRule => ({ quote: text, url, paraphrased: true });

/** The name rule ECS states for families, services, clusters and containers alike. */
const ECS_NAME = 'Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.';

export const AWS = {
  family: rule(ECS_NAME, `${ECS}API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-family`),
  serviceName: rule(ECS_NAME, `${ECS}API_CreateService.html#ECS-CreateService-request-serviceName`),
  clusterName: rule(ECS_NAME, `${ECS}API_CreateCluster.html#ECS-CreateCluster-request-clusterName`),
  containerName: rule(ECS_NAME, `${ECS}API_ContainerDefinition.html#ECS-Type-ContainerDefinition-name`),
  containerNameUnique: rule('Container names must be unique within a Task Definition.', `${ECS}API_ContainerDefinition.html#ECS-Type-ContainerDefinition-name`),
  containerImage: rule('Container.image should not be null or empty.', `${ECS}API_ContainerDefinition.html#ECS-Type-ContainerDefinition-image`),
  portMappingName: rule(
    "The name can include up to 64 characters. The characters can include lowercase letters, numbers, underscores (_), and hyphens (-). The name can't start with a hyphen.",
    `${ECS}API_PortMapping.html#ECS-Type-PortMapping-name`,
  ),
  discoveryName: rule(
    "The name can contain up to 64 characters. The name can include lowercase letters, numbers, underscores (_), and hyphens (-). The name can't start with a hyphen.",
    `${ECS}API_ServiceConnectService.html#ECS-Type-ServiceConnectService-discoveryName`,
  ),
  discoveryNameUnique: rule('This must be unique within the Cloud Map namespace.', `${ECS}API_ServiceConnectService.html#ECS-Type-ServiceConnectService-discoveryName`),
  clientAliasCount: rule('The maximum number of client aliases that you can have in this list is 1.', `${ECS}API_ServiceConnectService.html#ECS-Type-ServiceConnectService-clientAliases`),
  clientAliasUnique: rule('Each name and port mapping must be unique within the namespace.', `${ECS}API_ServiceConnectService.html#ECS-Type-ServiceConnectService-clientAliases`),
  clientAliasDnsName: rule(
    "The name must be a valid DNS name but doesn't need to be fully-qualified. The name can include up to 127 characters. The name can include lowercase letters, numbers, underscores (_), hyphens (-), and periods (.). The name can't start with a hyphen.",
    `${ECS}API_ServiceConnectClientAlias.html#ECS-Type-ServiceConnectClientAlias-dnsName`,
  ),
  clientAliasPort: rule('Valid Range: Minimum value of 0. Maximum value of 65535.', `${ECS}API_ServiceConnectClientAlias.html#ECS-Type-ServiceConnectClientAlias-port`),
  ingressPortOverride: rule('Valid Range: Minimum value of 0. Maximum value of 65535.', `${ECS}API_ServiceConnectService.html#ECS-Type-ServiceConnectService-ingressPortOverride`),
  timeout: rule('Valid Range: Minimum value of 0. Maximum value of 2147483647.', `${ECS}API_TimeoutConfiguration.html`),
  perRequestTimeoutTcp: rule(
    "perRequestTimeout can only be set if Service Connect appProtocol isn't TCP. Only idleTimeout is allowed for TCP appProtocol.",
    `${ECS}API_TimeoutConfiguration.html#ECS-Type-TimeoutConfiguration-perRequestTimeoutSeconds`,
  ),
  accessLogNeedsLogConfiguration: rule('To enable access logs, you must also specify a logConfiguration in the serviceConnectConfiguration.', `${ECS}API_ServiceConnectAccessLogConfiguration.html`),
  serviceConnectController: paraphrase('Service Connect requires the ECS deployment controller', `${ECS_GUIDE}service-connect-concepts-deploy.html`),
  containerPort: paraphrase('a port mapping names a port on the container (containerPort, or a containerPortRange), between 0 and 65535', `${ECS}API_PortMapping.html#ECS-Type-PortMapping-containerPort`),
  hostPort: paraphrase('a port number on the container instance, between 0 and 65535 (0 or omitted: a port from the ephemeral range)', `${ECS}API_PortMapping.html#ECS-Type-PortMapping-hostPort`),
  pinnedHostPort: rule(
    'If you use containers in a task with the awsvpc or host network mode, specify the exposed ports using containerPort. The hostPort can be left blank or it must be the same value as the containerPort.',
    `${ECS}API_PortMapping.html`,
  ),
  containerPortRange: rule(
    'The containerPortRange valid values are between 1 and 65535. The first port in the range must be less than last port in the range. You can specify a maximum of 100 port ranges per container. You must use either the bridge network mode or the awsvpc network mode.',
    `${ECS}API_PortMapping.html#ECS-Type-PortMapping-containerPortRange`,
  ),
  healthCheckInterval: rule('You may specify between 5 and 300 seconds.', `${ECS}API_HealthCheck.html#ECS-Type-HealthCheck-interval`),
  healthCheckTimeout: rule('You may specify between 2 and 60 seconds.', `${ECS}API_HealthCheck.html#ECS-Type-HealthCheck-timeout`),
  healthCheckRetries: rule('You may specify between 1 and 10 retries.', `${ECS}API_HealthCheck.html#ECS-Type-HealthCheck-retries`),
  healthCheckStartPeriod: rule('You can specify between 0 and 300 seconds.', `${ECS}API_HealthCheck.html#ECS-Type-HealthCheck-startPeriod`),
  ephemeralStorage: rule('The minimum supported value is 21 GiB and the maximum supported value is 200 GiB.', `${ECS}API_EphemeralStorage.html`),
  memoryReservation: rule('If you specify both a container-level memory and memoryReservation value, memory must be greater than memoryReservation.', `${ECS}API_ContainerDefinition.html#ECS-Type-ContainerDefinition-memory`),
  containerMemory: rule(
    'If using the EC2 launch type, you must specify either a task-level memory value or a container-level memory value.',
    `${ECS}API_ContainerDefinition.html#ECS-Type-ContainerDefinition-memory`,
  ),
  essentialContainer: rule('All tasks must have at least one essential container.', `${ECS}API_ContainerDefinition.html#ECS-Type-ContainerDefinition-essential`),
  fargateAwslogsRole: rule('Fargate requires task definition to have execution role ARN to support log driver awslogs.', `${ECS_GUIDE}task_execution_IAM_role.html`),
  fargateEcrRole: rule('Fargate requires task definition to have execution role ARN to support ECR images.', `${ECS_GUIDE}task_execution_IAM_role.html`),
  secretsRole: rule("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.", `${ECS_GUIDE}specifying-sensitive-data.html`),
  repositoryCredentialsRole: rule('Private repository authentication requires that the task definition specify a value for executionRoleArn.', `${ECS_GUIDE}private-auth.html`),
  fargateNetworkMode: rule("Fargate only supports network mode 'awsvpc'.", `${ECS_GUIDE}fargate-tasks-services.html#fargate-tasks-networkmode`),
  fargateSize: paraphrase('a Fargate task sets task-level cpu and memory to one of the supported combinations', `${ECS_GUIDE}fargate-tasks-services.html#fargate-tasks-size`),
  tagCount: rule('Maximum number of tags per resource - 50', `${ECS}API_Tag.html`),
  tagKey: rule('Maximum key length - 128 Unicode characters in UTF-8', `${ECS}API_Tag.html`),
  tagValue: rule('Maximum value length - 256 Unicode characters in UTF-8', `${ECS}API_Tag.html`),
  tagCharacters: rule(
    'Generally allowed characters are: letters, numbers, and spaces representable in UTF-8, and the following characters: + - = . _ : / @.',
    `${ECS}API_Tag.html`,
  ),
  tagAwsPrefix: rule('Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values as it is reserved for AWS use.', `${ECS}API_Tag.html`),
  tagKeyUnique: rule('For each resource, each tag key must be unique, and each tag key can have only one value.', `${ECS}API_Tag.html`),
  cloudMapTagCount: rule('The maximum number of tags that can be applied to a resource is 50.', `${CLOUD_MAP}API_TagResource.html`),
  cloudMapTagLengths: rule('Key: Minimum length of 1. Maximum length of 128. Value: Minimum length of 0. Maximum length of 256.', `${CLOUD_MAP}API_Tag.html`),
  httpNamespaceName: rule('Length Constraints: Maximum length of 1024. Pattern: ^(?!arn:)[!-~]{1,1024}$', `${CLOUD_MAP}API_CreateHttpNamespace.html#cloudmap-CreateHttpNamespace-request-Name`),
  privateDnsNamespaceName: rule('Length Constraints: Maximum length of 253. Pattern: ^[!-~]{1,253}$', `${CLOUD_MAP}API_CreatePrivateDnsNamespace.html#cloudmap-CreatePrivateDnsNamespace-request-Name`),
  logGroupName: rule(
    "Log group names can be between 1 and 512 characters long. Log group names consist of the following characters: a-z, A-Z, 0-9, '_' (underscore), '-' (hyphen), '/' (forward slash), '.' (period), and '#' (number sign)",
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html',
  ),
  capacityProviderAssociated: rule(
    'The capacity provider must be associated with the cluster to be used in a capacity provider strategy. The PutClusterCapacityProviders API is used to associate a capacity provider with a cluster.',
    `${ECS}API_CapacityProviderStrategyItem.html`,
  ),
  capacityProviderWeight: rule('You can specify a weight value between 0 and 1,000.', `${ECS}API_CapacityProviderStrategyItem.html#ECS-Type-CapacityProviderStrategyItem-weight`),
  capacityProviderBase: rule('You can specify a base value between 0 and 100,000.', `${ECS}API_CapacityProviderStrategyItem.html#ECS-Type-CapacityProviderStrategyItem-base`),
  daemonMaximumPercent: rule('The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration.', `${ECS}API_DeploymentConfiguration.html#ECS-Type-DeploymentConfiguration-maximumPercent`),
  nonNegative: paraphrase('counts, percentages and durations are never negative', `${ECS}API_CreateService.html`),
} as const satisfies Record<string, AwsRule>;
