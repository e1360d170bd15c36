/** Engine network -> ONNX ModelProto, and the protobuf subset used to write and read it. */
export * from './export.ts';
export * from './parameters.ts';
export { decodeModel, encodeModel, DataType, AttributeType, type Model } from './proto.ts';
