/**
 * Response bodies in the shape of the examples of the AWS S3 API reference (ListObjectsV2,
 * ListObjectVersions, DeleteObjects, CopyObject, Error responses), pretty-printed as there, plus the
 * `encoding-type=url` form AWS uses (space as `+`, `+` as `%2B`, `/` kept), and what proxies send.
 */

/** ListObjectsV2, "Listing keys": one object shown of a larger page (so KeyCount says 205). */
export const AWS_LIST_V2_SIMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
    <Name>bucket</Name>
    <Prefix/>
    <KeyCount>205</KeyCount>
    <MaxKeys>1000</MaxKeys>
    <IsTruncated>false</IsTruncated>
    <Contents>
        <Key>my-image.jpg</Key>
        <LastModified>2009-10-12T17:50:30.000Z</LastModified>
        <ETag>"fba9dede5f27731c9771645a39863328"</ETag>
        <Size>434234</Size>
        <StorageClass>STANDARD</StorageClass>
    </Contents>
</ListBucketResult>`;

/** ListObjectsV2 with max-keys=3: truncated, with a continuation token. */
export const AWS_LIST_V2_TRUNCATED = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name>
  <Prefix></Prefix>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <KeyCount>3</KeyCount>
  <MaxKeys>3</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents>
    <Key>happyface.jpg</Key>
    <LastModified>2014-11-21T19:40:05.000Z</LastModified>
    <ETag>"70ee1738b6b21e2c8a43f3a5ab0eee71"</ETag>
    <Size>11</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>happyface2.jpg</Key>
    <LastModified>2014-11-21T19:40:06.000Z</LastModified>
    <ETag>"70ee1738b6b21e2c8a43f3a5ab0eee71"</ETag>
    <Size>11</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>happyface3.jpg</Key>
    <LastModified>2014-11-21T19:40:07.000Z</LastModified>
    <ETag>"70ee1738b6b21e2c8a43f3a5ab0eee71-2"</ETag>
    <Size>5242880</Size>
    <StorageClass>STANDARD_IA</StorageClass>
  </Contents>
</ListBucketResult>`;

/** ListObjectsV2 with delimiter=/: one object and one common prefix. */
export const AWS_LIST_V2_COMMON_PREFIXES = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>example-bucket</Name>
  <Prefix></Prefix>
  <KeyCount>2</KeyCount>
  <MaxKeys>1000</MaxKeys>
  <Delimiter>/</Delimiter>
  <IsTruncated>false</IsTruncated>
  <Contents>
    <Key>sample.jpg</Key>
    <LastModified>2011-02-26T01:56:20.000Z</LastModified>
    <ETag>"bf1d737a4d46a19f3bced6905cc8b902"</ETag>
    <Size>142863</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <CommonPrefixes>
    <Prefix>photos/</Prefix>
  </CommonPrefixes>
</ListBucketResult>`;

/** An empty bucket. */
export const AWS_LIST_V2_EMPTY = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`;

/**
 * ListObjectsV2 with encoding-type=url as AWS writes it: `a b.txt` as `a+b.txt`, `a+b.txt` as
 * `a%2Bb.txt`, `100%.csv` as `100%25.csv`, Hangul percent-encoded, `/` literal; the echoed
 * Delimiter and StartAfter are encoded too.
 */
export const AWS_LIST_V2_URL_ENCODED = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>amzn-s3-demo-bucket</Name><Prefix></Prefix><KeyCount>6</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><StartAfter>%2B</StartAfter><Contents><Key>100%25.csv</Key><LastModified>2026-09-14T08:12:01.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>a+b.txt</Key><LastModified>2026-09-14T08:12:02.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>a%2Bb.txt</Key><LastModified>2026-09-14T08:12:03.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>+lead+and+trail+</Key><LastModified>2026-09-14T08:12:04.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>%ED%95%9C%EA%B8%80/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>run+books/</Prefix></CommonPrefixes></ListBucketResult>`;

/** ListObjectVersions: a version, a delete marker, then the older version of the same key. */
export const AWS_VERSIONS = `<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01">
    <Name>bucket</Name>
    <Prefix>my</Prefix>
    <KeyMarker/>
    <VersionIdMarker/>
    <MaxKeys>5</MaxKeys>
    <IsTruncated>false</IsTruncated>
    <Version>
        <Key>my-image.jpg</Key>
        <VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId>
        <IsLatest>true</IsLatest>
         <LastModified>2009-10-12T17:50:30.000Z</LastModified>
        <ETag>"fba9dede5f27731c9771645a39863328"</ETag>
        <Size>434234</Size>
        <StorageClass>STANDARD</StorageClass>
        <Owner>
            <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
            <DisplayName>mtd@amazon.com</DisplayName>
        </Owner>
    </Version>
    <DeleteMarker>
        <Key>my-second-image.jpg</Key>
        <VersionId>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</VersionId>
        <IsLatest>true</IsLatest>
        <LastModified>2009-11-12T17:50:30.000Z</LastModified>
        <Owner>
            <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
            <DisplayName>mtd@amazon.com</DisplayName>
        </Owner>
    </DeleteMarker>
    <Version>
        <Key>my-second-image.jpg</Key>
        <VersionId>QUpfdndhfd8438MNFDN93jdnJFkdmqnh893</VersionId>
        <IsLatest>false</IsLatest>
        <LastModified>2009-10-10T17:50:30.000Z</LastModified>
        <ETag>"9b2cf535f27731c974343645a3985328"</ETag>
        <Size>166434</Size>
        <StorageClass>STANDARD</StorageClass>
        <Owner>
            <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
            <DisplayName>mtd@amazon.com</DisplayName>
        </Owner>
    </Version>
</ListVersionsResult>`;

/** ListObjectVersions with encoding-type=url, truncated: AWS url-encodes NextKeyMarker like the keys. */
export const AWS_VERSIONS_URL_TRUNCATED = `<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix>job</Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><NextKeyMarker>job+a%2Bb.lock.0123456789abc-1</NextKeyMarker><NextVersionIdMarker>Gz8_3rUWkYkHdn.1S4aOi2.lyu8H6sCN</NextVersionIdMarker><MaxKeys>2</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><Version><Key>job+a%2Bb.lock.0123456789abc-0</Key><VersionId>3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY</VersionId><IsLatest>true</IsLatest><LastModified>2026-11-25T10:00:00.000Z</LastModified><ETag>&quot;c4ca4238a0b923820dcc509a6f75849b&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Version><Version><Key>job+a%2Bb.lock.0123456789abc-1</Key><VersionId>Gz8_3rUWkYkHdn.1S4aOi2.lyu8H6sCN</VersionId><IsLatest>true</IsLatest><LastModified>2026-11-25T10:00:00.412Z</LastModified><ETag>&quot;c4ca4238a0b923820dcc509a6f75849b&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Version></ListVersionsResult>`;

/** DeleteObjects: one key deleted, one refused. */
export const AWS_DELETE_RESULT_MIXED = `<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted>
    <Key>sample1.txt</Key>
  </Deleted>
  <Error>
    <Key>sample2.txt</Key>
    <Code>AccessDenied</Code>
    <Message>Access Denied</Message>
  </Error>
</DeleteResult>`;

/** DeleteObjects on a versioned bucket: a version deleted, and a delete marker created. */
export const AWS_DELETE_RESULT_VERSIONED = `<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted>
    <Key>SampleDocument.txt</Key>
    <VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId>
  </Deleted>
  <Deleted>
    <Key>SampleDocument2.txt</Key>
    <DeleteMarker>true</DeleteMarker>
    <DeleteMarkerVersionId>NeQt5xeFTfgPJD8B4CGWnkSLtluMr11s</DeleteMarkerVersionId>
  </Deleted>
  <Error>
    <Key>SampleDocument3.txt</Key>
    <VersionId>UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ</VersionId>
    <Code>InternalError</Code>
    <Message>We encountered an internal error. Please try again.</Message>
  </Error>
</DeleteResult>`;

/** CopyObject: the reference's example carries a timestamp without a zone. */
export const AWS_COPY_RESULT = `<?xml version="1.0" encoding="UTF-8"?>
<CopyObjectResult>
   <LastModified>2009-10-28T22:32:00</LastModified>
   <ETag>"9b2cf535f27731c974343645a3985328"</ETag>
</CopyObjectResult>`;

/** CopyObject that failed after the 200 status line: the body is an error. */
export const AWS_COPY_EMBEDDED_ERROR = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>InternalError</Code>
  <Message>We encountered an internal error. Please try again.</Message>
  <RequestId>656c76696e6727732072657175657374</RequestId>
  <HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId>
</Error>`;

/** The reference's sample error response. */
export const AWS_ERROR_SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>`;

/** GET of a missing key, as AWS answers it (with the key). */
export const AWS_ERROR_NO_SUCH_KEY = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>locks/ job &amp; more.lock</Key><RequestId>7NR0CH6QWJ6X8TKT</RequestId><HostId>x0Kmg9ymbxXf0z7fLTmu6Hdf6wQ6w4aPzCLQ7/jWtfcW7tIu0Kl3VUnpKu7Vq3cnVuJ4Cn8gtNs=</HostId></Error>`;

/** 503 SlowDown. */
export const AWS_ERROR_SLOW_DOWN = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>J4XS2R2F3CA7W1JH</RequestId><HostId>oTgD4bq9Ut0oYFtWdJhAQ3fV4CRVPbE3dBbNLY9UAvyZNxU6SKV7mrNTsDeWZaV8XVx+3wDN2ww=</HostId></Error>`;

/** 412 PreconditionFailed, which names the condition. */
export const AWS_ERROR_PRECONDITION_FAILED = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition><RequestId>0QZ8KVK7R1B3MD6N</RequestId><HostId>lVLu4bd2QZ3dFm6gyxrBF5e3DPzn0Nq3TrAt5aS0XgW6YbPaHb6ZsTiXYBbPfZJkP4Ab5Y7ZxUQ=</HostId></Error>`;

/** nginx's 502 page in front of a store: `<hr>` is never closed, so it is not XML at all. */
export const HTML_502 = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

/** A proxy page that happens to be well-formed XHTML, with a DOCTYPE. */
export const XHTML_503 = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>503</title></head><body><p>Service Unavailable</p></body></html>`;
