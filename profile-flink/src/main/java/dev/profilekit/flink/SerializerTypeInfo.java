package dev.profilekit.flink;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information that hands Flink one of our own serializers, so that Flink never falls back to Kryo for the
 * engine's types. Not a key type.
 *
 * @param <T> the type
 */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final TypeSerializer<T> serializer;

    /**
     * @param type       the class of the values
     * @param serializer their serializer (duplicated for every use)
     */
    public SerializerTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
        if (type == null || serializer == null) {
            throw new IllegalArgumentException("type and serializer must not be null");
        }
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.duplicate();
    }

    @Override
    public String toString() {
        return "SerializerTypeInfo(" + type.getSimpleName() + ", " + serializer.getClass().getSimpleName() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SerializerTypeInfo<?> other && other.type == type && other.serializer.equals(serializer);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + serializer.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof SerializerTypeInfo;
    }
}
