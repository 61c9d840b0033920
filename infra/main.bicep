// Coalmine on Azure: a Function App on the Flex Consumption plan (Node 20) with a system-assigned identity,
// a storage account without shared-key access (Durable task hub, Tables, Blobs), Application Insights on a
// Log Analytics workspace, and a Key Vault whose secrets reach the app as Key Vault references.

@description('Base name for every resource (3-11 lowercase letters or digits).')
@minLength(3)
@maxLength(11)
param baseName string = 'coalmine'

@description('Azure region (one that offers the Flex Consumption plan).')
param location string = resourceGroup().location

@description('Metric accounts as JSON (COALMINE_METRICS_ACCOUNTS): names, types, endpoints, and the NAMES of the settings holding secrets.')
param metricsAccounts string = '[]'

@description('Origins that webhooks, traffic hooks and callbacks may reach besides public https hosts (comma-separated).')
param outboundAllowlist string = ''

@description('Secret app settings: setting name -> Key Vault secret name (the secrets are added to the vault separately, e.g. COALMINE_SECRET_KEY, COALMINE_GITHUB_TOKEN, webhook and traffic-hook secrets, metric-source keys named by COALMINE_METRICS_ACCOUNTS).')
param keyVaultSecretSettings object = {
  COALMINE_SECRET_KEY: 'coalmine-secret-key'
}

@description('Days to keep analyses before the retention timer purges them.')
param retentionDays int = 90

@description('Maximum instances the Flex Consumption plan may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB (2048 or 4096).')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

var suffix = uniqueString(resourceGroup().id, baseName)
var storageName = toLower(take('${baseName}${suffix}', 24))
var deploymentContainer = 'app-package'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${baseName}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${baseName}-ai-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${baseName}-kv-${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${baseName}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

var secretSettings = [for item in items(keyVaultSecretSettings): {
  name: item.key
  value: '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${item.value})'
}]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${baseName}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat([
        // Identity-based host storage: no connection string, no shared key.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        // Coalmine reaches Table and Blob with the same identity (an account name means managed identity).
        { name: 'COALMINE_STORAGE', value: storage.name }
        { name: 'COALMINE_METRICS_ACCOUNTS', value: metricsAccounts }
        { name: 'COALMINE_OUTBOUND_ALLOWLIST', value: outboundAllowlist }
        { name: 'COALMINE_RETENTION', value: 'P${retentionDays}D' }
        // Absolute report links in notifications (the app's own default host name).
        { name: 'COALMINE_PUBLIC_URL', value: 'https://${baseName}-${suffix}.azurewebsites.net' }
      ], secretSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'node', version: '20' }
    }
  }
}

// The Durable task hub uses queues, tables and blobs; Coalmine's own data uses tables and blobs.
var storageRoles = [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]
resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, app.id, role)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource vaultAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource insightsAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, app.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = app.name
output functionAppUrl string = 'https://${app.properties.defaultHostName}'
output principalId string = app.identity.principalId
output keyVaultName string = vault.name
output storageAccountName string = storage.name
