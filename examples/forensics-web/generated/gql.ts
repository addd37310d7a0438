/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query CaseDetail($id: ID!) {\n  missingPerson(id: $id) {\n    id\n    caseNumber\n    status\n    municipality\n    disappearanceDate\n    fullName\n    dateOfBirth\n    placeLastSeen\n    identification {\n      identifiedOn\n      confirmingInstitution\n    }\n  }\n}": typeof types.CaseDetailDocument,
    "query CaseList($first: Int = 20, $after: String, $status: MissingPersonStatus) {\n  missingPersons(first: $first, after: $after, filter: {status: $status}) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        caseNumber\n        status\n        municipality\n        disappearanceDate\n      }\n    }\n  }\n}": typeof types.CaseListDocument,
    "query ForensicsYearlyFigures($from: Date!, $to: Date!) {\n  forensicsStatistics(from: $from, to: $to, groupBy: [YEAR]) {\n    groups {\n      year\n      fieldOperations\n      exhumations\n      individualsIdentified\n      missingPersonsIdentified\n      suppressed\n    }\n  }\n}": typeof types.ForensicsYearlyFiguresDocument,
};
const documents: Documents = {
    "query CaseDetail($id: ID!) {\n  missingPerson(id: $id) {\n    id\n    caseNumber\n    status\n    municipality\n    disappearanceDate\n    fullName\n    dateOfBirth\n    placeLastSeen\n    identification {\n      identifiedOn\n      confirmingInstitution\n    }\n  }\n}": types.CaseDetailDocument,
    "query CaseList($first: Int = 20, $after: String, $status: MissingPersonStatus) {\n  missingPersons(first: $first, after: $after, filter: {status: $status}) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        caseNumber\n        status\n        municipality\n        disappearanceDate\n      }\n    }\n  }\n}": types.CaseListDocument,
    "query ForensicsYearlyFigures($from: Date!, $to: Date!) {\n  forensicsStatistics(from: $from, to: $to, groupBy: [YEAR]) {\n    groups {\n      year\n      fieldOperations\n      exhumations\n      individualsIdentified\n      missingPersonsIdentified\n      suppressed\n    }\n  }\n}": types.ForensicsYearlyFiguresDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CaseDetail($id: ID!) {\n  missingPerson(id: $id) {\n    id\n    caseNumber\n    status\n    municipality\n    disappearanceDate\n    fullName\n    dateOfBirth\n    placeLastSeen\n    identification {\n      identifiedOn\n      confirmingInstitution\n    }\n  }\n}"): (typeof documents)["query CaseDetail($id: ID!) {\n  missingPerson(id: $id) {\n    id\n    caseNumber\n    status\n    municipality\n    disappearanceDate\n    fullName\n    dateOfBirth\n    placeLastSeen\n    identification {\n      identifiedOn\n      confirmingInstitution\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CaseList($first: Int = 20, $after: String, $status: MissingPersonStatus) {\n  missingPersons(first: $first, after: $after, filter: {status: $status}) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        caseNumber\n        status\n        municipality\n        disappearanceDate\n      }\n    }\n  }\n}"): (typeof documents)["query CaseList($first: Int = 20, $after: String, $status: MissingPersonStatus) {\n  missingPersons(first: $first, after: $after, filter: {status: $status}) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        caseNumber\n        status\n        municipality\n        disappearanceDate\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ForensicsYearlyFigures($from: Date!, $to: Date!) {\n  forensicsStatistics(from: $from, to: $to, groupBy: [YEAR]) {\n    groups {\n      year\n      fieldOperations\n      exhumations\n      individualsIdentified\n      missingPersonsIdentified\n      suppressed\n    }\n  }\n}"): (typeof documents)["query ForensicsYearlyFigures($from: Date!, $to: Date!) {\n  forensicsStatistics(from: $from, to: $to, groupBy: [YEAR]) {\n    groups {\n      year\n      fieldOperations\n      exhumations\n      individualsIdentified\n      missingPersonsIdentified\n      suppressed\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;