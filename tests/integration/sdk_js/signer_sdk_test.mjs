// signetd driven by the AWS SDK for JavaScript v3 (@aws-sdk/client-signer, @aws-sdk/client-s3):
// profiles, permissions, tags, SignPayload (the envelope verified with node:crypto), the S3 →
// StartSigningJob → waitUntilSuccessfulSigningJob → GetObject pipeline (the signed ZIP verified by
// `signet verify zip`), job listings, revocation and GetRevocationStatus, a second account, and
// the errors as the SDK surfaces them (name, HTTP status, request id).
//
// Run by tests/integration/sdk_js_test.sh, which starts signetd and sets:
//   SIGNET_ENDPOINT, SIGNET_DATA (data dir), SIGNET_BIN (the signet CLI), SIGNET_WORK (scratch),
//   SIGNET_OTHER_KEY / SIGNET_OTHER_SECRET (an access key of account 111111111111),
//   AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE (DATA/credentials, DATA/config).
import {
  AddProfilePermissionCommand,
  CancelSigningProfileCommand,
  DescribeSigningJobCommand,
  GetRevocationStatusCommand,
  GetSigningPlatformCommand,
  GetSigningProfileCommand,
  ListProfilePermissionsCommand,
  ListSigningJobsCommand,
  ListSigningPlatformsCommand,
  ListSigningProfilesCommand,
  ListTagsForResourceCommand,
  PutSigningProfileCommand,
  RemoveProfilePermissionCommand,
  RevokeSignatureCommand,
  RevokeSigningProfileCommand,
  SignPayloadCommand,
  SignerClient,
  StartSigningJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListSigningJobs,
  paginateListSigningProfiles,
  waitUntilSuccessfulSigningJob,
} from "@aws-sdk/client-signer";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { X509Certificate, createHash, randomBytes, verify } from "node:crypto";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const endpoint = process.env.SIGNET_ENDPOINT;
const dataDir = process.env.SIGNET_DATA;
const signetBin = process.env.SIGNET_BIN;
const work = process.env.SIGNET_WORK;
const account = "000000000000";
const otherAccount = "111111111111";
const region = "us-east-1";
const arnPrefix = `arn:aws:signer:${region}:${account}`;
const lambda = "AWSLambda-SHA384-ECDSA";
const oci = "Notation-OCI-SHA384-ECDSA";
const payloadFormat = "application/vnd.cncf.notary.payload.v1+json";

// Credentials and region come from DATA/credentials and DATA/config, as for any user.
const base = { endpoint, maxAttempts: 1 };
const signer = new SignerClient({ ...base, disableHostPrefix: true });
const s3 = new S3Client({ ...base, forcePathStyle: true });
const otherCredentials = {
  accessKeyId: process.env.SIGNET_OTHER_KEY,
  secretAccessKey: process.env.SIGNET_OTHER_SECRET,
};
const otherSigner = new SignerClient({
  ...base,
  disableHostPrefix: true,
  credentials: otherCredentials,
});

// --- The harness ----------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
const show = (v) => (typeof v === "string" ? v : JSON.stringify(v, (k, x) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x)));

function check(name, condition, detail) {
  if (condition) {
    passed++;
    console.log(`PASS: ${name}`);
  } else {
    failed++;
    console.log(`FAIL: ${name}`);
    if (detail !== undefined) console.log(`    ${show(detail).slice(0, 2000)}`);
  }
  return Boolean(condition);
}

// ok: the call succeeds (PASS) and its output is returned; on an error, FAIL and undefined.
async function ok(name, promise) {
  try {
    const out = await promise;
    check(name, true);
    return out;
  } catch (e) {
    check(name, false, `${e.name}: ${e.message}`);
    return undefined;
  }
}

const statusOf = {
  ValidationException: 400,
  BadRequestException: 400,
  AccessDeniedException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ResourceNotFoundException: 404,
  NotFoundException: 404,
  ConflictException: 409,
  NoSuchKey: 404,
  NotFound: 404,
};

// fails: the call fails with the AWS error `name`, its HTTP status, a message and a request id.
async function fails(name, promise, errorName) {
  try {
    const out = await promise;
    check(`${name} -> ${errorName}`, false, { unexpectedSuccess: out });
  } catch (e) {
    const meta = e.$metadata ?? {};
    check(
      `${name} -> ${errorName} (${statusOf[errorName]})`,
      e.name === errorName &&
        meta.httpStatusCode === statusOf[errorName] &&
        e.$fault === "client" &&
        typeof e.message === "string" &&
        e.message.length > 0 &&
        typeof meta.requestId === "string" &&
        meta.requestId.length > 0,
      { name: e.name, status: meta.httpStatusCode, fault: e.$fault, message: e.message, requestId: meta.requestId },
    );
  }
}

const sameSet = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const names = (profiles) => (profiles ?? []).map((p) => p.profileName).sort();
const jobIds = (jobs) => (jobs ?? []).map((j) => j.jobId).sort();
const days = (ms) => ms / 86400000;

// The TBS of a DER certificate (Certificate ::= SEQUENCE { tbsCertificate, ... }).
function derElement(buf, offset) {
  let length = buf[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = buf.subarray(offset + 2, offset + 2 + n).reduce((acc, b) => acc * 256 + b, 0);
    header += n;
  }
  return { start: offset, end: offset + header + length, header };
}
function tbsOf(der) {
  const outer = derElement(der, 0);
  const tbs = derElement(der, outer.header);
  return der.subarray(tbs.start, tbs.end);
}

// Decodes and verifies the JWS envelope of a SignPayload answer; returns its parts.
function checkEnvelope(label, response, versionArn, validityDays, payload) {
  let envelope;
  try {
    envelope = JSON.parse(Buffer.from(response.signature).toString("utf8"));
  } catch (e) {
    check(`${label}: signature is a JWS JSON envelope`, false, e.message);
    return undefined;
  }
  const certs = (envelope.header?.x5c ?? []).map((b) => new X509Certificate(Buffer.from(b, "base64")));
  check(`${label}: envelope has protected, payload, signature, x5c of three`,
    envelope.protected && envelope.payload && envelope.signature && certs.length === 3, envelope);
  if (certs.length !== 3) return undefined;
  const header = JSON.parse(Buffer.from(envelope.protected, "base64url").toString("utf8"));
  const jobArn = `${arnPrefix}:/signing-jobs/${response.jobId}`;
  check(`${label}: protected header (ES384, signingAuthority, profile version and job ARNs)`,
    header.alg === "ES384" && header.cty === payloadFormat &&
      header["io.cncf.notary.signingScheme"] === "notary.x509.signingAuthority" &&
      header["com.amazonaws.signer.signingProfileVersion"] === versionArn &&
      header["com.amazonaws.signer.signingJob"] === jobArn &&
      header.crit.includes("com.amazonaws.signer.signingJob"), header);
  const validity = days(Date.parse(header["io.cncf.notary.expiry"]) -
    Date.parse(header["io.cncf.notary.authenticSigningTime"]));
  check(`${label}: expiry = signing time + ${validityDays} days`, Math.abs(validity - validityDays) <= 3,
    { validity });
  check(`${label}: the envelope's payload is the payload sent`,
    Buffer.from(envelope.payload, "base64url").equals(payload));
  const [leaf, issuing, root] = certs;
  check(`${label}: the ES384 signature verifies (node:crypto)`,
    verify("sha384", Buffer.from(`${envelope.protected}.${envelope.payload}`),
      { key: leaf.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(envelope.signature, "base64url")));
  const anchor = new X509Certificate(readFileSync(path.join(dataDir, "root-ca.pem")));
  check(`${label}: x5c chains leaf -> issuing CA -> DATA/root-ca.pem`,
    leaf.checkIssued(issuing) && leaf.verify(issuing.publicKey) && issuing.verify(root.publicKey) &&
      root.fingerprint256 === anchor.fingerprint256);
  check(`${label}: the leaf is for code signing`, (leaf.keyUsage ?? []).includes("1.3.6.1.5.5.7.3.3"),
    leaf.keyUsage);
  return {
    envelope,
    header,
    leafHash: createHash("sha384").update(tbsOf(leaf.raw)).update(tbsOf(issuing.raw)).digest("hex"),
  };
}

// --- Fixtures ----------------------------------------------------------------------------------------
const payload = Buffer.from(JSON.stringify({
  targetArtifact: {
    digest: `sha256:${createHash("sha256").update(randomBytes(64)).digest("hex")}`,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    size: 1234,
  },
}));
const pkg = readFileSync(path.join(work, "pkg.zip"));

// ================================================================================================
// Platforms
const platforms = await ok("ListSigningPlatforms", signer.send(new ListSigningPlatformsCommand({})));
check("ListSigningPlatforms: both platforms, revocation supported",
  sameSet((platforms?.platforms ?? []).map((p) => p.platformId), [lambda, oci]) &&
    platforms.platforms.every((p) => p.revocationSupported === true), platforms);
const lambdaPlatform = await ok("GetSigningPlatform", signer.send(new GetSigningPlatformCommand({ platformId: lambda })));
check("GetSigningPlatform: 250 MB, SHA384/ECDSA", lambdaPlatform?.maxSizeInMB === 250 &&
  lambdaPlatform?.signingConfiguration?.hashAlgorithmOptions?.defaultValue === "SHA384", lambdaPlatform);
await fails("GetSigningPlatform of an unknown platform",
  signer.send(new GetSigningPlatformCommand({ platformId: "No-Such-Platform" })), "ResourceNotFoundException");
await fails("ListSigningPlatforms maxResults 26",
  signer.send(new ListSigningPlatformsCommand({ maxResults: 26 })), "ValidationException");

// ================================================================================================
// Profiles
const put = async (profileName, platformId, extra = {}) =>
  ok(`PutSigningProfile ${profileName}`, signer.send(new PutSigningProfileCommand({ profileName, platformId, ...extra })));
const [pDays, pMonths, pYears, pCancel, pRevoke, pShared] = await Promise.all([
  put("js_days", lambda, { signatureValidityPeriod: { value: 30, type: "DAYS" }, tags: { team: "payments" } }),
  put("js_months", oci, { signatureValidityPeriod: { value: 6, type: "MONTHS" } }),
  put("js_years", lambda, { signatureValidityPeriod: { value: 2, type: "YEARS" } }),
  put("js_cancel", oci),
  put("js_revoke", oci, { signatureValidityPeriod: { value: 20, type: "DAYS" } }),
  put("js_shared", oci),
]);
const allProfiles = ["js_cancel", "js_days", "js_months", "js_revoke", "js_shared", "js_years"];
check("PutSigningProfile: ARN, 10-character version, version ARN",
  [pDays, pMonths, pYears, pCancel, pRevoke, pShared].every((p) => p && /^[A-Za-z0-9]{10}$/.test(p.profileVersion) &&
    p.profileVersionArn === `${p.arn}/${p.profileVersion}`) && pDays.arn === `${arnPrefix}:/signing-profiles/js_days`,
  [pDays, pMonths]);
const gotDays = await ok("GetSigningProfile", signer.send(new GetSigningProfileCommand({ profileName: "js_days" })));
check("GetSigningProfile: Active, validity, tags, version", gotDays?.status === "Active" &&
  gotDays.signatureValidityPeriod?.value === 30 && gotDays.signatureValidityPeriod?.type === "DAYS" &&
  gotDays.tags?.team === "payments" && gotDays.profileVersion === pDays?.profileVersion, gotDays);
const gotOwner = await ok("GetSigningProfile profileOwner",
  signer.send(new GetSigningProfileCommand({ profileName: "js_days", profileOwner: account })));
check("GetSigningProfile profileOwner (own account): the same version", gotOwner?.profileVersionArn === pDays?.profileVersionArn);
const pages = [];
for await (const page of paginateListSigningProfiles({ client: signer, pageSize: 2 }, {})) pages.push(page);
check("paginateListSigningProfiles pageSize 2: three pages, every profile once",
  pages.length === 3 && JSON.stringify(names(pages.flatMap((p) => p.profiles))) === JSON.stringify(allProfiles),
  pages.map((p) => names(p.profiles)));
const ociProfiles = await ok("ListSigningProfiles platformId",
  signer.send(new ListSigningProfilesCommand({ platformId: oci })));
check("ListSigningProfiles platformId: the Notation profiles",
  sameSet(names(ociProfiles?.profiles), ["js_cancel", "js_months", "js_revoke", "js_shared"]), names(ociProfiles?.profiles));
await fails("GetSigningProfile of an unknown profile",
  signer.send(new GetSigningProfileCommand({ profileName: "no_such_profile" })), "ResourceNotFoundException");
await fails("PutSigningProfile with a bad name",
  signer.send(new PutSigningProfileCommand({ profileName: "bad-name", platformId: lambda })), "ValidationException");
await fails("PutSigningProfile validity 136 MONTHS",
  signer.send(new PutSigningProfileCommand({ profileName: "too_long", platformId: lambda,
    signatureValidityPeriod: { value: 136, type: "MONTHS" } })), "ValidationException");
await fails("ListSigningProfiles maxResults 26",
  signer.send(new ListSigningProfilesCommand({ maxResults: 26 })), "ValidationException");

// ================================================================================================
// Tags
const yearsArn = `${arnPrefix}:/signing-profiles/js_years`;
await ok("TagResource", signer.send(new TagResourceCommand({ resourceArn: yearsArn, tags: { owner: "alice", env: "ci" } })));
await ok("UntagResource", signer.send(new UntagResourceCommand({ resourceArn: yearsArn, tagKeys: ["env"] })));
const tags = await ok("ListTagsForResource", signer.send(new ListTagsForResourceCommand({ resourceArn: yearsArn })));
check("ListTagsForResource after tag and untag", JSON.stringify(tags?.tags) === JSON.stringify({ owner: "alice" }), tags);
await fails("TagResource on a malformed ARN",
  signer.send(new TagResourceCommand({ resourceArn: "not-an-arn", tags: { a: "b" } })), "BadRequestException");
await fails("ListTagsForResource of an unknown profile",
  signer.send(new ListTagsForResourceCommand({ resourceArn: `${arnPrefix}:/signing-profiles/ghost` })), "NotFoundException");

// ================================================================================================
// Permissions (revisionId optimistic concurrency)
const add1 = await ok("AddProfilePermission", signer.send(new AddProfilePermissionCommand({
  profileName: "js_months", action: "signer:SignPayload", principal: otherAccount, statementId: "cross-sign" })));
const add2 = await ok("AddProfilePermission with the current revisionId", signer.send(new AddProfilePermissionCommand({
  profileName: "js_months", action: "signer:GetSigningProfile", principal: otherAccount, statementId: "cross-get",
  revisionId: add1?.revisionId })));
check("AddProfilePermission: a new revisionId each time", add1?.revisionId && add2?.revisionId && add1.revisionId !== add2.revisionId);
await fails("AddProfilePermission with a stale revisionId", signer.send(new AddProfilePermissionCommand({
  profileName: "js_months", action: "signer:SignPayload", principal: "222222222222", statementId: "late",
  revisionId: add1?.revisionId })), "ConflictException");
await fails("AddProfilePermission with an unknown action", signer.send(new AddProfilePermissionCommand({
  profileName: "js_months", action: "signer:Everything", principal: "222222222222", statementId: "x" })), "ValidationException");
const perms = await ok("ListProfilePermissions", signer.send(new ListProfilePermissionsCommand({ profileName: "js_months" })));
check("ListProfilePermissions: both statements, current revisionId",
  perms?.revisionId === add2?.revisionId && sameSet((perms?.permissions ?? []).map((p) => p.statementId), ["cross-sign", "cross-get"]) &&
    perms.policySizeBytes > 0, perms);
await fails("RemoveProfilePermission with a stale revisionId", signer.send(new RemoveProfilePermissionCommand({
  profileName: "js_months", statementId: "cross-get", revisionId: add1?.revisionId })), "ConflictException");
const removed = await ok("RemoveProfilePermission", signer.send(new RemoveProfilePermissionCommand({
  profileName: "js_months", statementId: "cross-get", revisionId: add2?.revisionId })));
check("RemoveProfilePermission: a new revisionId", removed?.revisionId && removed.revisionId !== add2?.revisionId);

// ================================================================================================
// SignPayload
const signed = await ok("SignPayload", signer.send(new SignPayloadCommand({
  profileName: "js_months", payload, payloadFormat })));
check("SignPayload: jobId, jobOwner, signature bytes",
  /^[0-9a-f-]{36}$/.test(signed?.jobId ?? "") && signed.jobOwner === account && signed.signature instanceof Uint8Array, signed);
if (signed) checkEnvelope("SignPayload", signed, pMonths?.profileVersionArn, 182, payload);
const signedRevoke = await ok("SignPayload (second profile)", signer.send(new SignPayloadCommand({
  profileName: "js_revoke", payload, payloadFormat })));
const revokeEnvelope = signedRevoke && checkEnvelope("SignPayload js_revoke", signedRevoke, pRevoke?.profileVersionArn, 20, payload);
await fails("SignPayload with a Lambda profile", signer.send(new SignPayloadCommand({
  profileName: "js_days", payload, payloadFormat })), "ValidationException");
await fails("SignPayload of 4097 bytes", signer.send(new SignPayloadCommand({
  profileName: "js_months", payload: Buffer.alloc(4097, 0x61), payloadFormat })), "ValidationException");
await fails("SignPayload with an unknown profile", signer.send(new SignPayloadCommand({
  profileName: "no_such_profile", payload, payloadFormat })), "ResourceNotFoundException");

// ================================================================================================
// The pipeline: S3 put → StartSigningJob → waitUntilSuccessfulSigningJob → GetObject → verify
const bucket = "js-packages";
await ok("S3 CreateBucket", s3.send(new CreateBucketCommand({ Bucket: bucket })));
await ok("S3 PutBucketVersioning", s3.send(new PutBucketVersioningCommand({
  Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })));
const versioning = await ok("S3 GetBucketVersioning", s3.send(new GetBucketVersioningCommand({ Bucket: bucket })));
check("S3 GetBucketVersioning: Enabled", versioning?.Status === "Enabled", versioning);
const putPkg = await ok("S3 PutObject", s3.send(new PutObjectCommand({ Bucket: bucket, Key: "app/pkg.zip", Body: pkg })));
check("S3 PutObject: ETag = MD5, a VersionId",
  putPkg?.ETag === `"${createHash("md5").update(pkg).digest("hex")}"` && putPkg?.VersionId, putPkg);
const startJob = (key, version, extra = {}) => signer.send(new StartSigningJobCommand({
  source: { s3: { bucketName: bucket, key, version } },
  destination: { s3: { bucketName: bucket, prefix: "signed/" } },
  profileName: "js_days",
  ...extra,
}));
const started = await ok("StartSigningJob", startJob("app/pkg.zip", putPkg?.VersionId));
const jobId = started?.jobId;
const again = await ok("StartSigningJob again (same clientRequestToken)",
  startJob("app/pkg.zip", putPkg?.VersionId, { clientRequestToken: "js-run-1" }));
const again2 = await ok("StartSigningJob again (same clientRequestToken)",
  startJob("app/pkg.zip", putPkg?.VersionId, { clientRequestToken: "js-run-1" }));
check("StartSigningJob: clientRequestToken makes it idempotent (the SDK fills one in otherwise)",
  again?.jobId && again.jobId === again2?.jobId && again.jobId !== jobId);
const waited = await ok("waitUntilSuccessfulSigningJob", waitUntilSuccessfulSigningJob(
  { client: signer, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { jobId }));
check("waitUntilSuccessfulSigningJob: SUCCESS", waited?.state === "SUCCESS", waited);
await ok("waitUntilSuccessfulSigningJob (the idempotent job)", waitUntilSuccessfulSigningJob(
  { client: signer, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { jobId: again?.jobId }));
const job = await ok("DescribeSigningJob", signer.send(new DescribeSigningJobCommand({ jobId })));
check("DescribeSigningJob: Succeeded, signed object, profile, owners, Date timestamps",
  job?.status === "Succeeded" && job.signedObject?.s3?.key === `signed/${jobId}.zip` &&
    job.source?.s3?.version === putPkg?.VersionId && job.profileVersion === pDays?.profileVersion &&
    job.jobOwner === account && job.jobInvoker === account && job.createdAt instanceof Date &&
    Math.abs(days(job.signatureExpiresAt - job.completedAt) - 30) < 0.01, job);
const got = await ok("S3 GetObject of the signed ZIP", s3.send(new GetObjectCommand({ Bucket: bucket, Key: `signed/${jobId}.zip` })));
const signedZip = got ? Buffer.from(await got.Body.transformToByteArray()) : Buffer.alloc(0);
writeFileSync(path.join(work, "signed.zip"), signedZip);
const verified = spawnSync(signetBin, ["verify", "zip", path.join(work, "signed.zip"), "--trust-anchor",
  path.join(dataDir, "root-ca.pem")], { encoding: "utf8" });
check("the signed ZIP verifies (signet verify zip)", verified.status === 0 && /signature verified/.test(verified.stdout),
  verified.stdout + verified.stderr);
const unzipped = spawnSync("unzip", ["-t", path.join(work, "signed.zip")], { encoding: "utf8" });
check("unzip -t passes on the signed ZIP", unzipped.status === 0 && /No errors detected/.test(unzipped.stdout), unzipped.stdout);
const head = await ok("S3 HeadObject", s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `signed/${jobId}.zip` })));
check("S3 HeadObject: the size of the signed ZIP", head?.ContentLength === signedZip.length, head);
const listed = await ok("S3 ListObjectsV2", s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "signed/" })));
check("S3 ListObjectsV2: the signed ZIPs", (listed?.Contents ?? []).some((o) => o.Key === `signed/${jobId}.zip`), listed);
await ok("S3 PutObject (scratch)", s3.send(new PutObjectCommand({ Bucket: bucket, Key: "tmp/x", Body: "x" })));
await ok("S3 DeleteObject", s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "tmp/x" })));
await fails("S3 GetObject of a deleted key", s3.send(new GetObjectCommand({ Bucket: bucket, Key: "tmp/x" })), "NoSuchKey");

const putBad = await ok("S3 PutObject (not a ZIP)", s3.send(new PutObjectCommand({
  Bucket: bucket, Key: "app/notzip.zip", Body: randomBytes(3000) })));
const badJob = await ok("StartSigningJob of a non-ZIP object", startJob("app/notzip.zip", putBad?.VersionId));
try {
  await waitUntilSuccessfulSigningJob({ client: signer, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { jobId: badJob?.jobId });
  check("waitUntilSuccessfulSigningJob of a failing job fails", false);
} catch (e) {
  let state;
  try { state = JSON.parse(e.message).state; } catch { state = e.message; }
  check("waitUntilSuccessfulSigningJob of a failing job: FAILURE", state === "FAILURE", e.message);
}
const badDesc = await ok("DescribeSigningJob (failed)", signer.send(new DescribeSigningJobCommand({ jobId: badJob?.jobId })));
check("a non-ZIP source: Failed with a statusReason", badDesc?.status === "Failed" && badDesc.statusReason?.length > 5, badDesc);
await fails("StartSigningJob with a Notation profile", startJob("app/pkg.zip", putPkg?.VersionId, { profileName: "js_months" }),
  "ValidationException");
await fails("DescribeSigningJob of an unknown job",
  signer.send(new DescribeSigningJobCommand({ jobId: "6f1c2e9a-3b4d-4c5e-8f70-0123456789ab" })), "ResourceNotFoundException");

// ================================================================================================
// Revocation, cancellation, the job list
await ok("RevokeSignature", signer.send(new RevokeSignatureCommand({ jobId, reason: "drill" })));
await fails("RevokeSignature of a failed job", signer.send(new RevokeSignatureCommand({ jobId: badJob?.jobId, reason: "x" })),
  "ValidationException");
const hourAgo = new Date(Date.now() - 3600e3);
await ok("RevokeSigningProfile (effective an hour ago)", signer.send(new RevokeSigningProfileCommand({
  profileName: "js_revoke", profileVersion: pRevoke?.profileVersion, reason: "compromised", effectiveTime: hourAgo })));
await fails("RevokeSigningProfile effective tomorrow", signer.send(new RevokeSigningProfileCommand({
  profileName: "js_years", profileVersion: pYears?.profileVersion, reason: "x", effectiveTime: new Date(Date.now() + 86400e3) })),
"ValidationException");
await ok("CancelSigningProfile", signer.send(new CancelSigningProfileCommand({ profileName: "js_cancel" })));
const revokedProfile = await ok("GetSigningProfile (revoked)", signer.send(new GetSigningProfileCommand({ profileName: "js_revoke" })));
check("a revoked profile: Revoked, revocationRecord with Date fields",
  revokedProfile?.status === "Revoked" && revokedProfile.revocationRecord?.revocationEffectiveFrom instanceof Date &&
    Math.abs(revokedProfile.revocationRecord.revocationEffectiveFrom - hourAgo) < 2000, revokedProfile);
const withCanceled = await ok("ListSigningProfiles includeCanceled",
  signer.send(new ListSigningProfilesCommand({ includeCanceled: true, statuses: ["Canceled"] })));
check("ListSigningProfiles includeCanceled + statuses Canceled", JSON.stringify(names(withCanceled?.profiles)) === '["js_cancel"]',
  withCanceled);
await fails("SignPayload with a canceled profile", signer.send(new SignPayloadCommand({
  profileName: "js_cancel", payload, payloadFormat })), "ValidationException");

const revocation = async (label, input) => ok(label, signer.send(new GetRevocationStatusCommand({
  signatureTimestamp: new Date(), certificateHashes: ["0".repeat(96)], ...input })));
const rsJob = await revocation("GetRevocationStatus (revoked job)", {
  platformId: lambda, profileVersionArn: pDays?.profileVersionArn, jobArn: `${arnPrefix}:/signing-jobs/${jobId}` });
check("GetRevocationStatus: the revoked job", JSON.stringify(rsJob?.revokedEntities) ===
  JSON.stringify([`${arnPrefix}:/signing-jobs/${jobId}`]), rsJob);
const rsProfile = await revocation("GetRevocationStatus (revoked profile)", {
  platformId: oci, profileVersionArn: pRevoke?.profileVersionArn, jobArn: `${arnPrefix}:/signing-jobs/${signedRevoke?.jobId}`,
  certificateHashes: [revokeEnvelope?.leafHash ?? "0".repeat(96)] });
check("GetRevocationStatus: the revoked profile version and its certificate hash",
  sameSet(rsProfile?.revokedEntities ?? [], [pRevoke?.profileVersionArn, revokeEnvelope?.leafHash]), rsProfile);
const rsBefore = await revocation("GetRevocationStatus (signed before the revocation took effect)", {
  signatureTimestamp: new Date(Date.now() - 2 * 3600e3), platformId: oci, profileVersionArn: pRevoke?.profileVersionArn,
  jobArn: `${arnPrefix}:/signing-jobs/${signedRevoke?.jobId}` });
check("GetRevocationStatus before the effective time: nothing", rsBefore?.revokedEntities?.length === 0, rsBefore);
await fails("GetRevocationStatus with an unknown platform", signer.send(new GetRevocationStatusCommand({
  signatureTimestamp: new Date(), platformId: "Nope", profileVersionArn: pRevoke?.profileVersionArn,
  jobArn: `${arnPrefix}:/signing-jobs/${jobId}`, certificateHashes: ["0".repeat(96)] })), "ValidationException");

const allJobs = [];
for await (const page of paginateListSigningJobs({ client: signer, pageSize: 1 }, {})) allJobs.push(...(page.jobs ?? []));
const expectedJobs = [jobId, again?.jobId, badJob?.jobId, signed?.jobId, signedRevoke?.jobId];
check("paginateListSigningJobs pageSize 1: every job once", JSON.stringify(jobIds(allJobs)) === JSON.stringify([...expectedJobs].sort()),
  jobIds(allJobs));
const listJobs = async (label, input, expected) => {
  const out = await ok(`ListSigningJobs ${label}`, signer.send(new ListSigningJobsCommand(input)));
  check(`ListSigningJobs ${label}: the expected jobs`, JSON.stringify(jobIds(out?.jobs)) === JSON.stringify([...expected].sort()),
    jobIds(out?.jobs));
};
await listJobs("status Failed", { status: "Failed" }, [badJob?.jobId]);
await listJobs("isRevoked", { isRevoked: true }, [jobId]);
await listJobs("platformId", { platformId: oci }, [signed?.jobId, signedRevoke?.jobId]);
await listJobs("signatureExpiresAfter +60 days", { signatureExpiresAfter: new Date(Date.now() + 60 * 86400e3) }, [signed?.jobId]);
await listJobs("signatureExpiresBefore +60 days, Succeeded",
  { signatureExpiresBefore: new Date(Date.now() + 60 * 86400e3), status: "Succeeded" }, [jobId, again?.jobId, signedRevoke?.jobId]);
await listJobs("requestedBy someone else", { requestedBy: "arn:aws:iam::000000000000:user/nobody" }, []);
await fails("ListSigningJobs maxResults 26", signer.send(new ListSigningJobsCommand({ maxResults: 26 })), "ValidationException");

// ================================================================================================
// A second account, and authentication errors
await fails("other account: SignPayload without a permission", otherSigner.send(new SignPayloadCommand({
  profileName: "js_shared", profileOwner: account, payload, payloadFormat })), "AccessDeniedException");
await fails("other account: GetSigningProfile without a permission", otherSigner.send(new GetSigningProfileCommand({
  profileName: "js_shared", profileOwner: account })), "AccessDeniedException");
await ok("AddProfilePermission for the other account", signer.send(new AddProfilePermissionCommand({
  profileName: "js_shared", action: "signer:SignPayload", principal: otherAccount, statementId: "ci" })));
const crossSigned = await ok("other account: SignPayload with profileOwner and the permission",
  otherSigner.send(new SignPayloadCommand({ profileName: "js_shared", profileOwner: account, payload, payloadFormat })));
check("other account: the job belongs to the profile owner", crossSigned?.jobOwner === account, crossSigned);
if (crossSigned) checkEnvelope("cross-account SignPayload", crossSigned, pShared?.profileVersionArn, 4108, payload);
const crossJob = await ok("other account: DescribeSigningJob of its job",
  otherSigner.send(new DescribeSigningJobCommand({ jobId: crossSigned?.jobId })));
check("other account: jobInvoker is the other account", crossJob?.jobInvoker === otherAccount &&
  crossJob?.requestedBy === `arn:aws:iam::${otherAccount}:user/ci`, crossJob);
await fails("other account: DescribeSigningJob of someone else's job",
  otherSigner.send(new DescribeSigningJobCommand({ jobId })), "AccessDeniedException");

const badSecret = new SignerClient({ ...base, credentials: {
  accessKeyId: readFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, "utf8").match(/aws_access_key_id\s*=\s*(\S+)/)[1],
  secretAccessKey: "wrong-secret-wrong-secret-wrong-secret-00" } });
await fails("a wrong secret key", badSecret.send(new ListSigningPlatformsCommand({})), "InvalidSignatureException");
const unknownKey = new SignerClient({ ...base, credentials: { accessKeyId: "AKIAUNKNOWNKEY234567", secretAccessKey: "x".repeat(40) } });
await fails("an unknown access key id", unknownKey.send(new ListSigningPlatformsCommand({})), "UnrecognizedClientException");
const skewed = new SignerClient({ ...base, systemClockOffset: -10 * 60 * 1000 });
await fails("a clock 10 minutes slow (systemClockOffset)", skewed.send(new ListSigningPlatformsCommand({})), "InvalidSignatureException");
const slightlySkewed = new SignerClient({ ...base, systemClockOffset: -4 * 60 * 1000 });
await ok("a clock 4 minutes slow is within the allowed skew", slightlySkewed.send(new ListSigningPlatformsCommand({})));

console.log(`${passed} passed, ${failed} failed (AWS SDK for JavaScript v3)`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
